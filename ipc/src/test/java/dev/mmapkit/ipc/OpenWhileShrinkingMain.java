package dev.mmapkit.ipc;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child JVM for {@link OpenWhileShrinkingTest}: creates a ring or broadcast file, then opens it and
 * reads its stats over and over while a thread of its own shrinks the file to {@code SIZE} bytes
 * and restores it, as fast as it can, so that shrinks land inside the opens. Prints each distinct
 * outcome ({@code COUNT<TAB>ok} or {@code COUNT<TAB>CLASS: MESSAGE}, digits as {@code N}) and then
 * {@code DONE}. Arguments: {@code ring|broadcast FILE SIZE MILLIS}.
 */
public final class OpenWhileShrinkingMain {
  private OpenWhileShrinkingMain() {}

  /** A use of the file from its path, as a new user makes it. */
  private interface Use {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    boolean ring = args[0].equals("ring");
    Path path = Path.of(args[1]);
    long shrunkSize = Long.parseLong(args[2]);
    long millis = Long.parseLong(args[3]);
    if (ring) {
      RingBuffers.createManyToOne(path, 64 * 1024).close();
    } else {
      Broadcast.createReliableTransmitter(path, 64 * 1024).close();
    }
    byte[] whole = Files.readAllBytes(path);
    // Opening a receiver joins the receiver table with a compare-and-set, which the interpreter
    // runs unguarded (see MappedAtomics): a shrink right before it kills the JVM, so broadcast
    // files are only read here.
    Use[] uses =
        ring
            ? new Use[] {
              () -> {
                try (RingBuffer opened = RingBuffers.open(path)) {
                  opened.consumerPosition();
                }
              },
              () -> RingBuffers.readStats(path)
            }
            : new Use[] {() -> Broadcast.readStats(path)};
    AtomicBoolean stop = new AtomicBoolean();
    Thread shrinker =
        new Thread(
            () -> {
              try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
                while (!stop.get()) {
                  file.setLength(shrunkSize);
                  file.setLength(whole.length);
                  file.seek(0);
                  file.write(whole);
                }
              } catch (Exception e) {
                e.printStackTrace();
                System.exit(2);
              }
            });
    shrinker.start();
    Map<String, Integer> outcomes = new TreeMap<>();
    long end = System.nanoTime() + millis * 1_000_000;
    for (int i = 0; System.nanoTime() < end; i++) {
      String outcome;
      try {
        uses[i % uses.length].run();
        outcome = "ok";
      } catch (Throwable t) {
        outcome = t.getClass().getName() + ": " + t.getMessage();
      }
      outcomes.merge(outcome.replaceAll("[0-9]+", "N"), 1, Integer::sum);
    }
    stop.set(true);
    shrinker.join();
    outcomes.forEach((outcome, count) -> System.out.println(count + "\t" + outcome));
    System.out.println("DONE");
  }
}
