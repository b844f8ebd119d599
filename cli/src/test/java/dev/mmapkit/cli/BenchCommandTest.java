package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmapkit bench} on small files: the report's shape, not its numbers. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void sequentialOnATemporaryFileReportsAllStrategiesAndDeletesTheFile() {
    CliRun run = CliRun.of("bench", "--size", "4m", "--json");
    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> json = run.json();

    assertEquals(4.0 * 1024 * 1024, json.get("size"));
    assertEquals("seq", json.get("pattern"));
    assertEquals(4096.0, json.get("ioSize"));
    assertEquals(Boolean.TRUE, json.get("temporary"));
    assertEquals(Boolean.FALSE, json.get("cold"));
    for (String key : List.of("kernel", "filesystem", "hugePages")) {
      assertTrue(json.get(key) instanceof String s && !s.isEmpty(), key);
    }
    List<Map<String, Object>> results = results(json);
    assertEquals(
        List.of("mmap", "mmap+sequential", "read", "pread"),
        results.stream().map(r -> r.get("strategy")).toList());
    for (Map<String, Object> r : results) {
      assertTrue((Double) r.get("gbPerSec") > 0, r.toString());
      assertNotNull(r.get("minorFaults"));
      assertNotNull(r.get("majorFaults"));
    }
    assertRecommendsTheBest(json, "gbPerSec", true);
    assertFalse(Files.exists(Path.of((String) json.get("file"))), "temporary file left behind");
  }

  @Test
  void randomOnTheUsersFileReportsNanosecondsPerRead() throws IOException {
    Path file = dataFile(2 << 20);
    CliRun run =
        CliRun.of("bench", file.toString(), "--pattern", "random", "--reads", "2000", "--json");
    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> json = run.json();

    assertEquals(file.toString(), json.get("file"));
    assertEquals(Boolean.FALSE, json.get("temporary"));
    assertEquals("random", json.get("pattern"));
    assertEquals(2000.0, json.get("reads"));
    List<Map<String, Object>> results = results(json);
    assertEquals(
        List.of("mmap", "mmap+random", "pread"),
        results.stream().map(r -> r.get("strategy")).toList());
    for (Map<String, Object> r : results) {
      assertTrue((Double) r.get("nsPerRead") > 0, r.toString());
      assertTrue((Double) r.get("readsPerSec") > 0, r.toString());
    }
    assertRecommendsTheBest(json, "nsPerRead", false);
    assertTrue(Files.exists(file), "the user's file must stay");
  }

  @Test
  void humanReportHasATableAndARecommendation() throws IOException {
    Path file = dataFile(1 << 20);
    CliRun run = CliRun.of("bench", file.toString(), "--repeat", "1");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("STRATEGY"), run.out());
    assertTrue(run.out().contains("GB/s"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("Recommendation: ")), run.out());
    assertEquals("", run.err(), "no progress output without a terminal");
  }

  @Test
  void coldRunsEvictBeforeEachRun() throws IOException {
    Path file = dataFile(1 << 20);
    CliRun run = CliRun.of("bench", file.toString(), "--cold", "--repeat", "1", "--json");
    if (run.exitCode() == 1 && run.err().contains("native access")) return; // not Linux
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Boolean.TRUE, run.json().get("cold"));
  }

  @Test
  void sizeWithAFileIsAUsageError() throws IOException {
    Path file = dataFile(4096);
    assertEquals(2, CliRun.of("bench", file.toString(), "--size", "1m").exitCode());
    assertEquals(2, CliRun.of("bench", "--size", "lots").exitCode());
    assertEquals(2, CliRun.of("bench", "--pattern", "backwards").exitCode());
    assertEquals(2, CliRun.of("bench", "--io-size", "0").exitCode());
  }

  @Test
  void emptyFileIsARuntimeError() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty"));
    CliRun run = CliRun.of("bench", empty.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith("mmapkit: " + empty), run.err());
  }

  /** The recommended strategy has the best value of {@code metric} (ties allowed). */
  private static void assertRecommendsTheBest(
      Map<String, Object> json, String metric, boolean higherIsBetter) {
    @SuppressWarnings("unchecked")
    Map<String, Object> recommendation = (Map<String, Object>) json.get("recommendation");
    List<Map<String, Object>> results = results(json);
    double best =
        results.stream()
            .mapToDouble(r -> (Double) r.get(metric))
            .reduce(higherIsBetter ? Math::max : Math::min)
            .orElseThrow();
    Map<String, Object> recommended =
        results.stream()
            .filter(r -> r.get("strategy").equals(recommendation.get("strategy")))
            .findFirst()
            .orElseThrow();
    assertEquals(best, (Double) recommended.get(metric), json.toString());
    assertTrue((Double) recommendation.get("speedup") >= 1.0, json.toString());
    assertTrue(
        results.stream().anyMatch(r -> r.get("strategy").equals(recommendation.get("over"))),
        json.toString());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(Map<String, Object> json) {
    return (List<Map<String, Object>>) json.get("results");
  }

  private Path dataFile(int size) throws IOException {
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    return Files.write(dir.resolve("data-" + size + ".bin"), data);
  }
}
