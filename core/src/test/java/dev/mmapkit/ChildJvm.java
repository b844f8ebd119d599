package dev.mmapkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class in a fresh JVM on the class path, so that a crash there is a failed test
 * instead of a dead test runner, and so that tests can kill or truncate under a real process.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** What a finished child printed and how it exited. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String classPath() {
    Path base = Path.of(System.getProperty("basedir", "."));
    return base.resolve("target/classes")
        + java.io.File.pathSeparator
        + base.resolve("target/test-classes");
  }

  /** The command line for {@code main} with the given JVM options and program arguments. */
  static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts the child with stdin, stdout and stderr as pipes. */
  static Process start(Class<?> main, List<String> jvmOptions, String... args) throws IOException {
    return new ProcessBuilder(command(main, jvmOptions, args)).start();
  }

  /** Runs the child to completion (or kills it after {@code timeoutSeconds}). */
  static Result run(Class<?> main, List<String> jvmOptions, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    return finish(start(main, jvmOptions, args), timeoutSeconds);
  }

  /** Waits for a started child, killing it after {@code timeoutSeconds}. */
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

  private static java.util.concurrent.CompletableFuture<String> readAsync(java.io.InputStream in) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
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
