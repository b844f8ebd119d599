package dev.mmapkit.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a file under a child JVM that has it mapped and is using it, to check that the child
 * survives: a fault in a mapped access must be an exception, never a crash. The child runs {@link
 * #useWhileShrunk} with its operations; the test runs {@link #shrinkUnder}.
 */
public final class ShrunkFile {
  private ShrunkFile() {}

  /** What the JDK raises for a fault in a mapped access that it can attribute to a thread. */
  public static final String FAULT =
      "java.lang.InternalError: a fault occurred in an unsafe memory access operation";

  /** An action of the child on the file. */
  public interface Step {
    void run() throws Exception;
  }

  /**
   * One operation on the file, named in the report; {@code warm}: also run before the shrink, as
   * often as asked, so that the JIT compiles it (leave out what sleeps, maps or closes).
   */
  public record Operation(String name, boolean warm, Step step) {}

  /**
   * The child's side: runs the warm operations {@code warmRounds} times, prints {@code READY},
   * waits for a line on stdin (the file is shrunk meanwhile), runs every operation once, printing
   * {@code NAME -> ok} or {@code NAME -> CLASS: MESSAGE}, then {@code ALIVE}.
   */
  public static void useWhileShrunk(List<Operation> operations, int warmRounds) throws Exception {
    for (int i = 0; i < warmRounds; i++) {
      for (Operation operation : operations) {
        if (operation.warm) operation.step.run();
      }
    }
    System.out.println("READY");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    for (Operation operation : operations) {
      String outcome;
      try {
        operation.step.run();
        outcome = "ok";
      } catch (Throwable t) {
        outcome = t.getClass().getName() + ": " + t.getMessage();
      }
      System.out.println(operation.name + " -> " + outcome);
    }
    System.out.println("ALIVE");
  }

  /**
   * The options of a child JVM that a file shrinks under; a crash report goes to {@code
   * crashReports}.
   */
  static List<String> childOptions(String jvmFlag, Path crashReports) {
    return List.of(
        jvmFlag,
        "--enable-native-access=ALL-UNNAMED",
        "-Xmx128m",
        "-XX:ErrorFile=" + crashReports.resolve("hs_err_%p.log"));
  }

  /**
   * The test's side: starts {@code main} (which calls {@link #useWhileShrunk}) with {@code jvmFlag}
   * and {@code args}, shrinks {@code file} to {@code size} once the child is ready, and returns the
   * child's {@code NAME -> OUTCOME} lines.
   *
   * @throws AssertionError if the child did not get ready, crashed or did not end with {@code
   *     ALIVE}, or an operation ended other than as the modules document a shrunk file: normally,
   *     with the JDK's {@link #FAULT}, or with one of mmapkit's exceptions (a format error from
   *     whatever opens the file again), or if none touched a lost page; the child's output is in
   *     the message
   */
  public static List<String> shrinkUnder(
      Class<?> main, String jvmFlag, Path file, long size, Path crashReports, String... args)
      throws IOException, InterruptedException {
    Process child = ChildJvm.start(main, childOptions(jvmFlag, crashReports), args);
    var stdout =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String ready = stdout.readLine();
    if (!"READY".equals(ready)) {
      throw new AssertionError(
          "child did not get ready: " + ready + "\n" + ChildJvm.finish(child, 30));
    }
    if (!Files.isRegularFile(file)) {
      throw new AssertionError(
          "the child made no file " + file + "\n" + ChildJvm.finish(child, 30));
    }
    try (RandomAccessFile shrunk = new RandomAccessFile(file.toFile(), "rw")) {
      shrunk.setLength(size);
    }
    child.getOutputStream().write('\n');
    child.getOutputStream().flush();
    List<String> lines = new ArrayList<>(stdout.lines().toList());
    ChildJvm.Result result = ChildJvm.finish(child, 60);
    if (result.exitCode() != 0 || lines.isEmpty() || !lines.getLast().equals("ALIVE")) {
      throw new AssertionError(
          "the child did not survive the shrink:\n" + String.join("\n", lines) + "\n" + result);
    }
    List<String> outcomes = lines.subList(0, lines.size() - 1);
    for (String line : outcomes) {
      String outcome = line.substring(line.indexOf(" -> ") + " -> ".length());
      if (!outcome.equals("ok") && !outcome.equals(FAULT) && !outcome.startsWith("dev.mmapkit.")) {
        throw new AssertionError(line + "\n" + String.join("\n", lines));
      }
    }
    if (outcomes.stream().noneMatch(line -> line.endsWith(FAULT))) {
      throw new AssertionError("no operation touched a lost page:\n" + String.join("\n", lines));
    }
    return outcomes;
  }
}
