package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with {@code destroyForcibly} at random points mid-append, again and
 * again: every append that returned is there after recovery, and no torn record is ever returned.
 */
class CrashTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesKillNineInSyncMode() throws Exception {
    Random random = new Random(42);
    Map<Long, Long> acknowledged = new HashMap<>();
    int cycles = 12;
    int totalSkipped = 0;
    int totalCut = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      int threads = cycle % 2 == 0 ? 1 : 3;
      Process child =
          ChildJvm.start(WriterChild.class, dir.toString(), "SYNC", "" + threads, "" + cycle);
      CountDownLatch firstAck = new CountDownLatch(1);
      var acks =
          CompletableFuture.supplyAsync(
              () -> {
                Map<Long, Long> got = new HashMap<>();
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    String[] f = line.split(" ");
                    // a line cut by the kill has no checksum or a short one: not acknowledged
                    if (f.length == 3 && f[0].equals("ACK") && line.endsWith(f[2])) {
                      try {
                        got.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                        firstAck.countDown();
                      } catch (NumberFormatException e) {
                        // the last line, cut mid-number
                      }
                    }
                  }
                } catch (java.io.IOException e) {
                  // the pipe closes when the child dies
                }
                return got;
              });
      // Kill at a random point once the child is appending.
      assertTrue(firstAck.await(60, TimeUnit.SECONDS), "child never appended in cycle " + cycle);
      Thread.sleep(random.nextInt(400));
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      Map<Long, Long> got = acks.get(30, TimeUnit.SECONDS);
      acknowledged.putAll(got);

      try (AppendLog log = AppendLog.open(dir, new LogConfig(1L << 16, Durability.SYNC))) {
        RecoveryReport report = log.recoveryReport();
        assertTrue(report.ran(), report.toString());
        totalSkipped += report.skipped().size();
        if (!report.cutReason().isEmpty()) totalCut++;
        Map<Long, Long> present = new HashMap<>();
        java.util.List<Long> inOrder = new java.util.ArrayList<>();
        LogReader reader = log.reader();
        reader.poll(
            (position, payload) -> {
              long seq = payload.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
              // whole and exactly what the child wrote for that sequence number
              assertArrayEquals(WriterChild.payload(seq), payload.toArray(ValueLayout.JAVA_BYTE));
              present.put(position, WriterChild.crc(payload));
              assertEquals(inOrder.size(), reader.sequence(), "numbered without gaps");
              inOrder.add(position);
            });
        // the index recovery rebuilt agrees with the records
        for (int i = 0; i < inOrder.size(); i += 1 + inOrder.size() / 50) {
          assertEquals(java.util.OptionalLong.of(inOrder.get(i)), log.positionOfSequence(i));
        }
        for (var ack : acknowledged.entrySet()) {
          Long crc = present.get(ack.getKey());
          assertNotNull(crc, "acknowledged record at " + ack.getKey() + " lost; " + report);
          assertEquals(ack.getValue(), crc, "record at " + ack.getKey());
        }
        assertEquals(report.records(), present.size());
      }
    }
    assertTrue(acknowledged.size() > 100, "appends acknowledged: " + acknowledged.size());
    System.out.println(
        "crash test: "
            + acknowledged.size()
            + " acknowledged, torn ends cut "
            + totalCut
            + ", holes skipped "
            + totalSkipped);
  }
}
