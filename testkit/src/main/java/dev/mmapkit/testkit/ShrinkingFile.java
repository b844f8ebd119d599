package dev.mmapkit.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a file over and over in a child JVM while a thread of the child shrinks it and restores it
 * as fast as it can, so that some shrinks land inside an open, between its size check and its
 * reads: each open must succeed or end in one of mmapkit's clear errors, and the JVM must live.
 * {@link ShrunkFile} is the other case, a file shrunk once under users that opened it. The child
 * runs {@link #openWhileShrinking}; the test runs {@link #raceOpens}.
 */
public final class ShrinkingFile {
  private ShrinkingFile() {}

  /** The words of the errors that say a shrink overtook an open, the window this tests. */
  public static final List<String> OVERTAKEN =
      List.of("while being opened", "while it was being opened", "while being mapped");

  /** How long the child goes on when no shrink has overtaken an open yet (a slow or busy host). */
  private static final long MAX_MILLIS = 30_000;

  private static boolean overtaken(String outcome) {
    return OVERTAKEN.stream().anyMatch(outcome::contains);
  }

  /**
   * The child's side: for {@code millis}, and on until a shrink has overtaken an open (at most 30
   * s), runs {@code opens} in turn while the file shrinks to {@code shrunkSize} bytes and grows
   * back to its contents now, again and again; then prints each distinct outcome ({@code
   * COUNT<TAB>ok} or {@code COUNT<TAB>CLASS: MESSAGE}, digits as {@code N}) and {@code DONE}.
   */
  public static void openWhileShrinking(
      Path file, long shrunkSize, long millis, List<ShrunkFile.Step> opens)
      throws IOException, InterruptedException {
    byte[] whole = Files.readAllBytes(file);
    AtomicBoolean stop = new AtomicBoolean();
    Thread shrinker =
        new Thread(
            () -> {
              try (RandomAccessFile shrunk = new RandomAccessFile(file.toFile(), "rw")) {
                while (!stop.get()) {
                  shrunk.setLength(shrunkSize);
                  shrunk.setLength(whole.length);
                  shrunk.seek(0);
                  shrunk.write(whole);
                }
              } catch (IOException e) {
                e.printStackTrace();
                System.exit(2);
              }
            });
    shrinker.start();
    Map<String, Integer> outcomes = new TreeMap<>();
    long start = System.nanoTime();
    long end = start + millis * 1_000_000;
    long last = start + MAX_MILLIS * 1_000_000;
    boolean seen = false;
    for (int i = 0; System.nanoTime() < (seen ? end : last); i++) {
      String outcome;
      try {
        opens.get(i % opens.size()).run();
        outcome = "ok";
      } catch (Throwable t) {
        outcome = t.getClass().getName() + ": " + t.getMessage();
      }
      outcomes.merge(outcome.replaceAll("[0-9]+", "N"), 1, Integer::sum);
      seen |= overtaken(outcome);
    }
    stop.set(true);
    shrinker.join();
    outcomes.forEach((outcome, count) -> System.out.println(count + "\t" + outcome));
    System.out.println("DONE");
  }

  /**
   * The test's side: runs {@code main} (which calls {@link #openWhileShrinking}) with {@code
   * jvmFlag} and {@code args}, and returns its outcome lines.
   *
   * @throws AssertionError if the child crashed or did not end with {@code DONE}, if an open ended
   *     other than normally, in {@code dev.mmapkit.FileFormatException} or in {@code
   *     dev.mmapkit.MmapkitException} "file is empty" (not the JDK's {@code InternalError}, not an
   *     index out of bounds, not a mapping failure), or if no shrink overtook an open
   */
  public static List<String> raceOpens(
      Class<?> main, String jvmFlag, Path crashReports, String... args)
      throws IOException, InterruptedException {
    ChildJvm.Result result =
        ChildJvm.run(main, ShrunkFile.childOptions(jvmFlag, crashReports), 120, args);
    List<String> lines = result.stdout().lines().toList();
    if (result.exitCode() != 0 || lines.isEmpty() || !lines.getLast().equals("DONE")) {
      throw new AssertionError("the child did not finish its opens:\n" + result);
    }
    List<String> outcomes = lines.subList(0, lines.size() - 1);
    int overtaken = 0;
    for (String line : outcomes) {
      String outcome = line.substring(line.indexOf('\t') + 1);
      if (!outcome.equals("ok")
          && !outcome.startsWith("dev.mmapkit.FileFormatException: ")
          && !(outcome.startsWith("dev.mmapkit.MmapkitException: ")
              && outcome.contains("file is empty"))) {
        throw new AssertionError("an open ended in " + line + "\n" + result);
      }
      if (overtaken(outcome)) {
        overtaken += Integer.parseInt(line.substring(0, line.indexOf('\t')));
      }
    }
    if (overtaken == 0) throw new AssertionError("no shrink overtook an open:\n" + result);
    return outcomes;
  }
}
