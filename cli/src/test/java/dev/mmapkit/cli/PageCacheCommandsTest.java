package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code residency}, {@code warm} and {@code evict} on small files in the temp directory. */
class PageCacheCommandsTest {
  private static final int SIZE = 3 << 20;

  @TempDir Path dir;

  @Test
  void residencyReportsEveryFileAndATotal() throws IOException {
    Path a = dataFile("a.bin", SIZE);
    Path b = dataFile("b.bin", 4096 + 1);
    Path empty = Files.createFile(dir.resolve("empty"));
    CliRun run = residency(a.toString(), b.toString(), empty.toString());
    Map<String, Object> json = run.json();

    List<Map<String, Object>> files = list(json.get("files"));
    assertEquals(3, files.size());
    assertEquals(a.toString(), files.get(0).get("file"));
    assertEquals((double) SIZE, files.get(0).get("size"));
    double pageSize = (Double) files.get(0).get("pageSize");
    assertEquals(Math.ceil(SIZE / pageSize), files.get(0).get("pages"));
    assertEquals(2.0, files.get(1).get("pages"));
    assertEquals(0.0, files.get(2).get("pages"));
    @SuppressWarnings("unchecked")
    Map<String, Object> total = (Map<String, Object>) json.get("total");
    assertEquals(3.0, total.get("files"));
    double pages = 0;
    double resident = 0;
    for (Map<String, Object> f : files) {
      pages += (Double) f.get("pages");
      resident += (Double) f.get("residentPages");
      double percent = (Double) f.get("percent");
      assertTrue(percent >= 0 && percent <= 100, f.toString());
    }
    assertEquals(pages, total.get("pages"));
    assertEquals(resident, total.get("residentPages"));
  }

  @Test
  void humanResidencyHasATotalRowForSeveralFiles() throws IOException {
    Path a = dataFile("a.bin", 8192);
    Path b = dataFile("b.bin", 8192);
    CliRun one = CliRun.of("residency", a.toString());
    assumeNativeAccess(one);
    assertEquals(0, one.exitCode(), one.err());
    assertTrue(one.out().lines().noneMatch(l -> l.startsWith("total")), one.out());
    CliRun two = CliRun.of("residency", a.toString(), b.toString());
    assertTrue(two.out().lines().anyMatch(l -> l.startsWith("total (2 files)")), two.out());
  }

  @Test
  void warmMakesAFileResidentAndEvictDropsIt() throws IOException {
    Path file = dataFile("data.bin", SIZE);
    // Evicting drops only clean pages; a file just written is dirty until synced.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }

    CliRun warm = CliRun.of("warm", file.toString(), "--json");
    assertEquals(0, warm.exitCode(), warm.err());
    Map<String, Object> warmed = list(warm.json().get("files")).get(0);
    assertEquals("warm", warm.json().get("operation"));
    assertEquals((double) SIZE, warmed.get("bytes"));
    assertTrue((Double) warmed.get("seconds") >= 0);
    double afterWarm = percent(residency(file.toString()));
    assertTrue(afterWarm >= 90, "resident after warm: " + afterWarm + "%");

    assumeFalse(
        Environment.filesystem(file).equals("tmpfs"), "tmpfs pages cannot be evicted: no disk");
    CliRun evict = CliRun.of("evict", file.toString(), "--json");
    assertEquals(0, evict.exitCode(), evict.err());
    assertEquals("evict", evict.json().get("operation"));
    double afterEvict = percent(residency(file.toString()));
    assertTrue(afterEvict < afterWarm, "resident after evict: " + afterEvict + "%");
  }

  @Test
  void warmAndEvictReportEveryFileAndATotal() throws IOException {
    Path a = dataFile("a.bin", 65536);
    Path empty = Files.createFile(dir.resolve("empty"));
    for (String command : List.of("warm", "evict")) {
      CliRun run = CliRun.of(command, a.toString(), empty.toString(), "--json");
      if (command.equals("evict")) assumeNativeAccess(run);
      assertEquals(0, run.exitCode(), run.err());
      assertEquals(2, list(run.json().get("files")).size());
      @SuppressWarnings("unchecked")
      Map<String, Object> total = (Map<String, Object>) run.json().get("total");
      assertEquals(65536.0, total.get("bytes"));
      CliRun human = CliRun.of(command, a.toString(), empty.toString());
      assertTrue(human.out().contains("total (2 files)"), human.out());
    }
  }

  private static CliRun residency(String... files) {
    String[] args = new String[files.length + 2];
    args[0] = "residency";
    System.arraycopy(files, 0, args, 1, files.length);
    args[files.length + 1] = "--json";
    CliRun run = CliRun.of(args);
    assumeNativeAccess(run);
    assertEquals(0, run.exitCode(), run.err());
    return run;
  }

  private static void assumeNativeAccess(CliRun run) {
    assumeTrue(
        run.exitCode() == 0 || !run.err().contains("needs native access"), "no native access");
  }

  private static double percent(CliRun residency) {
    return (Double) list(residency.json().get("files")).get(0).get("percent");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  private Path dataFile(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(7).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }
}
