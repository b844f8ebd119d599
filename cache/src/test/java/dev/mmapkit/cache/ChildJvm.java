package dev.mmapkit.cache;

import dev.mmapkit.MappedFile;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts {@link CacheChild} in a fresh JVM on the class path, as the multi-process tests need. */
final class ChildJvm {
  private ChildJvm() {}

  /** What a finished child printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add(CacheChild.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private static String classPath() {
    Path base = Path.of(System.getProperty("basedir", "."));
    return base.resolve("target/classes")
        + File.pathSeparator
        + base.resolve("target/test-classes")
        + File.pathSeparator
        + location(MappedFile.class);
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Process start(String... args) throws IOException {
    return new ProcessBuilder(command(args)).start();
  }

  static Process start(List<String> prefix, String... args) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(command(args));
    return new ProcessBuilder(command).start();
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return finish(start(args), 60);
  }

  static Result finish(Process process, long timeoutSeconds)
      throws IOException, InterruptedException {
    process.getOutputStream().close();
    var out = readAsync(process.getInputStream());
    var err = readAsync(process.getErrorStream());
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "child did not finish in " + timeoutSeconds + " s: " + out.join() + err.join());
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> readAsync(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<" + e + ">";
          }
        });
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
