package dev.mmapkit.bench.ipc;

import dev.mmapkit.ipc.MessageHandler;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A link over mmapkit rings: one out, and one back when the peer echoes. */
final class MmapkitLink implements Link {
  static final long ECHO_CAPACITY = 64 * 1024;
  static final long DRAIN_CAPACITY = 1024 * 1024;

  private static final MessageHandler IGNORE = (type, buffer, offset, length) -> {};

  private final RingBuffer out;
  private final RingBuffer back;
  private final MemorySegment message;
  private final Peer peer;

  MmapkitLink(String transport, int messageSize, boolean echo) throws Exception {
    Path directory = Peer.newDirectory();
    boolean manyToOne = transport.endsWith("m2o");
    Path outPath = directory.resolve("out");
    Path backPath = directory.resolve("back");
    long capacity = echo ? ECHO_CAPACITY : DRAIN_CAPACITY;
    out = create(outPath, capacity, manyToOne);
    back = echo ? create(backPath, capacity, manyToOne) : null;
    message = Arena.global().allocate(messageSize, 8);
    peer =
        echo
            ? new Peer(directory, "mmapkit", "echo", outPath.toString(), backPath.toString())
            : new Peer(directory, "mmapkit", "drain", outPath.toString());
  }

  private static RingBuffer create(Path path, long capacity, boolean manyToOne) throws Exception {
    return manyToOne
        ? RingBuffers.createManyToOne(path, capacity)
        : RingBuffers.createOneToOne(path, capacity);
  }

  /** The ring this side writes to. */
  RingBuffer out() {
    return out;
  }

  @Override
  public void send() {
    while (!out.write(1, message)) Thread.onSpinWait();
  }

  @Override
  public void roundTrip() {
    while (!out.write(1, message)) Thread.onSpinWait();
    while (back.read(IGNORE, 1) == 0) Thread.onSpinWait();
  }

  @Override
  public void close() throws Exception {
    peer.close();
    out.close();
    if (back != null) back.close();
  }
}
