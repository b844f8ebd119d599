package dev.mmapkit.bench.ipc;

import dev.mmapkit.ipc.Broadcast;
import dev.mmapkit.ipc.BroadcastReceiver;
import dev.mmapkit.ipc.BroadcastTransmitter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A round-trip link over two mmapkit lossy broadcast files: this process transmits on one, the peer
 * receives (a validated copy) and transmits the message back on the other.
 */
final class BroadcastLink implements Link {
  private final BroadcastTransmitter out;
  private final BroadcastReceiver back;
  private final MemorySegment message;
  private final Peer peer;

  BroadcastLink(int messageSize) throws Exception {
    Path directory = Peer.newDirectory();
    Path outPath = directory.resolve("out");
    Path backPath = directory.resolve("back");
    out = Broadcast.createTransmitter(outPath, MmapkitLink.ECHO_CAPACITY);
    message = Arena.global().allocate(messageSize, 8);
    // The peer creates the back file (a transmitter creates its file), then says it is ready.
    peer = new Peer(directory, "mmapkit-bcast", "echo", outPath.toString(), backPath.toString());
    back = Broadcast.openReceiver(backPath);
  }

  @Override
  public void send() {
    out.transmit(1, message);
  }

  @Override
  public void roundTrip() {
    out.transmit(1, message);
    while (!back.receiveNext()) Thread.onSpinWait();
  }

  @Override
  public void close() throws Exception {
    peer.close();
    out.close();
    back.close();
  }
}
