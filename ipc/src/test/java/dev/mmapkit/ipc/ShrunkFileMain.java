package dev.mmapkit.ipc;

import dev.mmapkit.testkit.ShrunkFile;
import dev.mmapkit.testkit.ShrunkFile.Operation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link ShrunkFileTest}: uses a ring or broadcast file of kind {@code args[0]}
 * ({@code o2o}, {@code m2o}, {@code lossy} or {@code reliable}) at {@code args[1]} while the test
 * shrinks it ({@link ShrunkFile#useWhileShrunk}, {@code args[2]} warm-up rounds).
 */
public final class ShrunkFileMain {
  private ShrunkFileMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[1]);
    List<Operation> operations =
        args[0].endsWith("2o") ? ringOperations(args[0], path) : broadcast(args[0], path);
    ShrunkFile.useWhileShrunk(operations, Integer.parseInt(args[2]));
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
