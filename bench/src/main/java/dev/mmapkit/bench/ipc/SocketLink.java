package dev.mmapkit.bench.ipc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** The other anchor: a blocking Java Unix-domain socket to an echoing peer. */
final class SocketLink implements Link {
  private final ByteBuffer message;
  private final SocketChannel channel;
  private final Peer peer;

  SocketLink(int messageSize) throws Exception {
    Path directory = Peer.newDirectory();
    Path socket = directory.resolve("s");
    message = ByteBuffer.allocateDirect(messageSize);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      peer = new Peer(directory, "uds", "echo", socket.toString(), Integer.toString(messageSize));
      channel = server.accept();
    }
  }

  @Override
  public void send() {
    throw new UnsupportedOperationException("the socket link only measures round trips");
  }

  @Override
  public void roundTrip() {
    try {
      message.clear();
      while (message.hasRemaining()) channel.write(message);
      message.clear();
      while (message.hasRemaining()) {
        if (channel.read(message) < 0) throw new IOException("peer closed the socket");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    channel.close();
    peer.close();
  }
}
