package dev.mmapkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the numbers were measured on. Ratios only mean something next to this: the same code moves
 * by 2× between hosts and between runs on a shared one.
 */
public final class MachineInfo {
  private MachineInfo() {}

  /** cores, cpu, memory, os, kernel, jdk and the benchmark directory's file system. */
  public static Map<String, Object> describe(Path benchDir) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown"));
    m.put(
        "memory",
        firstValue(Path.of("/proc/meminfo"), "MemTotal").map(String::strip).orElse("unknown"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("kernel", System.getProperty("os.version"));
    m.put(
        "jdk",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    m.put("benchDir", benchDir.toAbsolutePath().toString());
    m.put("benchDirFileSystem", fileSystem(benchDir));
    return m;
  }

  private static String fileSystem(Path dir) {
    try {
      Path existing = dir.toAbsolutePath();
      while (existing != null && !Files.exists(existing)) existing = existing.getParent();
      return existing == null ? "unknown" : Files.getFileStore(existing).type();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static java.util.Optional<String> firstValue(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file);
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
          return java.util.Optional.of(line.substring(colon + 1).strip());
        }
      }
    } catch (IOException e) {
      // Not Linux, or /proc hidden: the field says unknown.
    }
    return java.util.Optional.empty();
  }
}
