package dev.mmapkit.ipc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts a test main class in a fresh JVM on the class path, as a second process on the ring. */
final class ChildJvm {
  private ChildJvm() {}

  /** What a finished child printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  static String classPath() {
    Path base = Path.of(System.getProperty("basedir", "."));
    return String.join(
        File.pathSeparator,
        base.resolve("target/classes").toString(),
        base.resolve("target/test-classes").toString(),
        base.resolve("../core/target/classes").normalize().toString());
  }

  static List<String> command(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx128m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts the child with its stdout as a pipe and stderr inherited-free (captured). */
  static Process start(Class<?> main, String... args) throws IOException {
    return new ProcessBuilder(command(main, args)).start();
  }

  /** Waits for a started child, killing it after {@code timeoutSeconds}. */
  static Result finish(Process process, long timeoutSeconds)
      throws IOException, InterruptedException {
    process.getOutputStream().close();
    CompletableFuture<String> out = readAsync(process.getInputStream());
    CompletableFuture<String> err = readAsync(process.getErrorStream());
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "child did not finish in " + timeoutSeconds + " s: " + out.join() + err.join());
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<" + e + ">";
          }
        });
  }
}
