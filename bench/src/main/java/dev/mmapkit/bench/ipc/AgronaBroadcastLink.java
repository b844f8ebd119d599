package dev.mmapkit.bench.ipc;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.agrona.concurrent.broadcast.CopyBroadcastReceiver;

/**
 * The anchor for {@link BroadcastLink}: Agrona's {@link BroadcastTransmitter} and {@link
 * CopyBroadcastReceiver} (which, like mmapkit's receiver, hands over a validated copy) on mapped
 * files in /dev/shm.
 */
final class AgronaBroadcastLink implements Link {
  private static final MessageHandler IGNORE = (type, buffer, index, length) -> {};

  private final BroadcastTransmitter out;
  private final CopyBroadcastReceiver back;
  private final MappedByteBuffer outMapping;
  private final MappedByteBuffer backMapping;
  private final UnsafeBuffer message;
  private final int messageSize;
  private final Peer peer;

  AgronaBroadcastLink(int messageSize) throws Exception {
    Path directory = Peer.newDirectory();
    File outFile = directory.resolve("out").toFile();
    File backFile = directory.resolve("back").toFile();
    long length = MmapkitLink.ECHO_CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH;
    outMapping = IoUtil.mapNewFile(outFile, length);
    backMapping = IoUtil.mapNewFile(backFile, length);
    out = new BroadcastTransmitter(new UnsafeBuffer(outMapping));
    back = receiver(backMapping);
    this.messageSize = messageSize;
    message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageSize));
    peer = new Peer(directory, "agrona-bcast", "echo", outFile.toString(), backFile.toString());
  }

  static CopyBroadcastReceiver receiver(ByteBuffer mapping) {
    return new CopyBroadcastReceiver(new BroadcastReceiver(new UnsafeBuffer(mapping)));
  }

  @Override
  public void send() {
    out.transmit(1, message, 0, messageSize);
  }

  @Override
  public void roundTrip() {
    out.transmit(1, message, 0, messageSize);
    while (back.receive(IGNORE) == 0) Thread.onSpinWait();
  }

  @Override
  public void close() throws Exception {
    peer.close();
    IoUtil.unmap(outMapping);
    IoUtil.unmap(backMapping);
  }
}
