package dev.mmapkit.ipc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link ShrunkFileTest}: creates a ring or broadcast file of kind {@code args[0]}
 * ({@code o2o}, {@code m2o}, {@code lossy} or {@code reliable}) at {@code args[1]}, runs every fast
 * operation {@code args[2]} times (so that the JIT compiles them, or not under {@code -Xint}),
 * prints {@code READY} and waits for a line on stdin while the parent shrinks the file; then runs
 * each operation once more, printing what it threw, and {@code ALIVE} at the end. A JVM crash
 * prints no {@code ALIVE}.
 */
public final class ShrunkFileMain {
  private ShrunkFileMain() {}

  /** One operation on the file, named for the report; warmed up unless it sleeps or maps. */
  private record Operation(String name, boolean warm, Step step) {}

  private interface Step {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    Path path = Path.of(args[1]);
    int warmRounds = Integer.parseInt(args[2]);
    List<Operation> operations =
        kind.endsWith("2o") ? ringOperations(kind, path) : broadcast(kind, path);
    for (int i = 0; i < warmRounds; i++) {
      for (Operation operation : operations) {
        if (operation.warm) operation.step.run();
      }
    }
    System.out.println("READY");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in)).readLine();
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

  private static List<Operation> ringOperations(String kind, Path path) throws Exception {
    RingBuffer ring =
        kind.equals("o2o")
            ? RingBuffers.createOneToOne(path, 64 * 1024)
            : RingBuffers.createManyToOne(path, 64 * 1024);
    byte[] message = new byte[40];
    MessageHandler ignore = (type, buffer, offset, length) -> {};
    List<Operation> operations = new ArrayList<>();
    operations.add(new Operation("write", true, () -> ring.write(1, message)));
    operations.add(
        new Operation(
            "tryClaim",
            true,
            () -> {
              long index = ring.tryClaim(1, 16);
              if (index >= 0) ring.commit(index);
            }));
    operations.add(new Operation("read", true, () -> ring.read(ignore, 16)));
    operations.add(
        new Operation(
            "controlledRead",
            true,
            () ->
                ring.controlledRead((t, b, o, l) -> ControlledMessageHandler.Action.CONTINUE, 16)));
    operations.add(new Operation("awaitMessages", false, () -> ring.awaitMessages(1_000_000)));
    operations.add(new Operation("stats", true, ring::stats));
    operations.add(new Operation("readStats", false, () -> RingBuffers.readStats(path)));
    operations.add(new Operation("close", false, ring::close));
    return operations;
  }

  private static List<Operation> broadcast(String kind, Path path) throws Exception {
    BroadcastTransmitter transmitter =
        kind.equals("reliable")
            ? Broadcast.createReliableTransmitter(path, 64 * 1024)
            : Broadcast.createTransmitter(path, 64 * 1024);
    BroadcastReceiver receiver = Broadcast.openReceiver(path);
    byte[] message = new byte[40];
    List<Operation> operations = new ArrayList<>();
    operations.add(new Operation("transmit", true, () -> transmitter.transmit(1, message)));
    operations.add(new Operation("receive", true, () -> receiver.receive((t, b, o, l) -> {}, 16)));
    operations.add(new Operation("awaitMessages", false, () -> receiver.awaitMessages(1_000_000)));
    operations.add(
        new Operation("joinAndLeave", false, () -> Broadcast.openReceiver(path).close()));
    operations.add(new Operation("readStats", false, () -> Broadcast.readStats(path)));
    operations.add(
        new Operation(
            "close",
            false,
            () -> {
              try {
                receiver.close();
              } finally {
                transmitter.close();
              }
            }));
    return operations;
  }
}
