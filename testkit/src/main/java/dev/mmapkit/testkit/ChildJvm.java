package dev.mmapkit.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test's main class in a fresh JVM on the class path: so that a JVM crash there is a
 * failed test instead of a dead test runner, and so that tests can kill, truncate or race a real
 * second process.
 */
public final class ChildJvm {
  /** Native access for the class path, a small heap and the serial collector: a lean child. */
  public static final List<String> DEFAULT_OPTIONS =
      List.of("--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-XX:+UseSerialGC");

  private ChildJvm() {}

  /** What a finished child printed and how it exited. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  /**
   * The running test's classes and dependencies as one class path: Surefire's module path and class
   * path, plus the module's own classes and test classes (patched into the module, so on neither
   * path).
   */
  public static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    Path base = Path.of(System.getProperty("basedir", "."));
    entries.add(base.resolve("target/test-classes").toString());
    entries.add(base.resolve("target/classes").toString());
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!entry.isBlank()) entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The command line for {@code main} with the given JVM options and program arguments. */
  public static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts the child with {@link #DEFAULT_OPTIONS}; stdin, stdout and stderr are pipes. */
  public static Process start(Class<?> main, String... args) throws IOException {
    return start(main, DEFAULT_OPTIONS, args);
  }

  /**
   * Starts the child with the given JVM options; stdin, stdout and stderr are pipes. A child still
   * running when this JVM exits is killed then, so that a failed test cannot leave it running.
   */
  public static Process start(Class<?> main, List<String> jvmOptions, String... args)
      throws IOException {
    return killedAtExit(new ProcessBuilder(command(main, jvmOptions, args)).start());
  }

  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "kill-child-jvms"));
  }

  /**
   * Kills every child started here that still runs, and waits for each to end: for a test's
   * clean-up, so that the children of a failed test do not go on writing while the next one runs.
   */
  public static void killRunning() throws InterruptedException {
    for (Process process : RUNNING) process.destroyForcibly().waitFor();
  }

  private static Process killedAtExit(Process process) {
    RUNNING.add(process);
    process.onExit().thenRun(() -> RUNNING.remove(process));
    return process;
  }

  /**
   * Starts the child with {@link #DEFAULT_OPTIONS} as user {@code nobody} ({@code setpriv}; the
   * caller must be root), to see what an unprivileged process is refused. Jars on the class path
   * are copied to a world-readable temporary directory first, because {@code nobody} cannot read
   * root's local Maven repository: once per JVM, deleted when it exits.
   */
  public static Process startAsNobody(Class<?> main, String... args) throws IOException {
    return killedAtExit(new ProcessBuilder(commandAsNobody(main, args)).start());
  }

  /**
   * The command {@link #startAsNobody} runs, for callers that wrap it (e.g. in {@code unshare}).
   */
  public static List<String> commandAsNobody(Class<?> main, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    command.addAll(command(main, DEFAULT_OPTIONS, args));
    command.set(command.indexOf("-cp") + 1, classPathForNobody());
    return command;
  }

  private static String classPathForNobody;

  /**
   * {@link #classPath()} with its jars copied where {@code nobody} may read them, to a directory
   * this JVM deletes when it exits (each child used to get copies of its own, which stayed: 180 MB
   * of them in {@code /tmp} after a day of test runs).
   */
  private static synchronized String classPathForNobody() throws IOException {
    if (classPathForNobody != null) return classPathForNobody;
    Path jars = Files.createTempDirectory("mmapkit-nobody-");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> deleteQuietly(jars), "delete-jars-for-nobody"));
    Files.setPosixFilePermissions(jars, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> classPath = new ArrayList<>();
    for (String entry : classPath().split(File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        classPath.add(entry);
        continue;
      }
      Path copy = jars.resolve(classPath.size() + ".jar");
      Files.copy(Path.of(entry), copy);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
      classPath.add(copy.toString());
    }
    classPathForNobody = String.join(File.pathSeparator, classPath);
    return classPathForNobody;
  }

  /** Deletes {@code directory} and the files in it, ignoring what cannot be deleted. */
  private static void deleteQuietly(Path directory) {
    try (var files = Files.list(directory)) {
      for (Path file : files.toList()) Files.deleteIfExists(file);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // Best effort at exit: a file left in the temporary directory harms no test.
    }
  }

  /** Runs the child to completion, killing it after {@code timeoutSeconds}. */
  public static Result run(
      Class<?> main, List<String> jvmOptions, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    return finish(start(main, jvmOptions, args), timeoutSeconds);
  }

  /**
   * Closes the child's stdin and waits for it, killing it (and failing) after {@code
   * timeoutSeconds}.
   */
  public static Result finish(Process process, long timeoutSeconds)
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

  /** Whether the tests run as root (who may mount file systems and open any file). */
  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
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
