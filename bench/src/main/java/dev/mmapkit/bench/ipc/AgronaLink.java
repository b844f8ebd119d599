package dev.mmapkit.bench.ipc;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The anchor: Agrona's rings on memory-mapped files in /dev/shm, set up like {@link MmapkitLink}.
 */
final class AgronaLink implements Link {
  private static final org.agrona.concurrent.MessageHandler IGNORE =
      (type, buffer, index, len) -> {};

  private final RingBuffer out;
  private final RingBuffer back;
  private final MappedByteBuffer outMapping;
  private final MappedByteBuffer backMapping;
  private final UnsafeBuffer message;
  private final int messageSize;
  private final Peer peer;

  AgronaLink(String transport, int messageSize, boolean echo) throws Exception {
    Path directory = Peer.newDirectory();
    boolean manyToOne = transport.endsWith("m2o");
    long capacity = echo ? MmapkitLink.ECHO_CAPACITY : MmapkitLink.DRAIN_CAPACITY;
    File outFile = directory.resolve("out").toFile();
    File backFile = directory.resolve("back").toFile();
    outMapping = IoUtil.mapNewFile(outFile, capacity + RingBufferDescriptor.TRAILER_LENGTH);
    out = ring(outMapping, manyToOne);
    backMapping =
        echo ? IoUtil.mapNewFile(backFile, capacity + RingBufferDescriptor.TRAILER_LENGTH) : null;
    back = echo ? ring(backMapping, manyToOne) : null;
    this.messageSize = messageSize;
    message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageSize));
    String type = manyToOne ? "agrona-m2o" : "agrona-o2o";
    peer =
        echo
            ? new Peer(directory, type, "echo", outFile.toString(), backFile.toString())
            : new Peer(directory, type, "drain", outFile.toString());
  }

  static RingBuffer ring(ByteBuffer mapping, boolean manyToOne) {
    UnsafeBuffer buffer = new UnsafeBuffer(mapping);
    return manyToOne ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
  }

  @Override
  public void send() {
    while (!out.write(1, message, 0, messageSize)) Thread.onSpinWait();
  }

  @Override
  public void roundTrip() {
    while (!out.write(1, message, 0, messageSize)) Thread.onSpinWait();
    while (back.read(IGNORE, 1) == 0) Thread.onSpinWait();
  }

  @Override
  public void close() throws Exception {
    peer.close();
    IoUtil.unmap(outMapping);
    if (backMapping != null) IoUtil.unmap(backMapping);
  }
}
