package dev.mmapkit.bench.ipc;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an mmapkit link's slow round trips happen in its ring, for the tail that some links show
 * (`docs/performance.md`, session 5): opens {@code LINKS} fresh one-to-one links in turn, and for
 * each runs 200,000 timed 32-byte round trips after a 2 s warm-up, noting the outgoing ring's
 * position before each; then prints p50, p99, how many took over 800 ns, and how those spread over
 * the offsets within a 4 KiB page (256-byte buckets) and over the ring's pages. An even spread is
 * noise; a cluster names the place.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.ipc.RoundTripTail LINKS}
 */
public final class RoundTripTail {
  private RoundTripTail() {}

  private static final int ROUND_TRIPS = 200_000;
  private static final long SLOW_NANOS = 800;
  private static final long PAGE = 4096;

  public static void main(String[] args) throws Exception {
    int links = Integer.parseInt(args[0]);
    for (int link = 0; link < links; link++) {
      try (MmapkitLink l = new MmapkitLink("mmapkit-o2o", 32, true)) {
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) l.roundTrip();
        long[] times = new long[ROUND_TRIPS];
        long[] positions = new long[ROUND_TRIPS];
        for (int i = 0; i < ROUND_TRIPS; i++) {
          positions[i] = l.out().producerPosition();
          long start = System.nanoTime();
          l.roundTrip();
          times[i] = System.nanoTime() - start;
        }
        Map<Long, Integer> byOffset = new TreeMap<>();
        Map<Long, Integer> byPage = new TreeMap<>();
        int slow = 0;
        for (int i = 0; i < ROUND_TRIPS; i++) {
          if (times[i] <= SLOW_NANOS) continue;
          slow++;
          byOffset.merge(positions[i] % PAGE / 256 * 256, 1, Integer::sum);
          byPage.merge(positions[i] % l.out().capacity() / PAGE, 1, Integer::sum);
        }
        Arrays.sort(times);
        System.out.printf(
            "link %d: p50 %d ns, p99 %d ns, %d over %d ns; by offset in page %s; by page %s%n",
            link,
            times[ROUND_TRIPS / 2],
            times[(int) (ROUND_TRIPS * 0.99)],
            slow,
            SLOW_NANOS,
            byOffset,
            byPage);
      }
    }
  }
}
