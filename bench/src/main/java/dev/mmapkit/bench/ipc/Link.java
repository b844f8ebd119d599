package dev.mmapkit.bench.ipc;

/**
 * This process's end of a channel to a peer process, for the IPC benchmarks: one implementation per
 * transport, so each JMH fork sees one class and the hot path stays monomorphic.
 */
interface Link extends AutoCloseable {

  /** Sends one message, spinning while the channel is full. */
  void send();

  /** Sends one message and spins until the peer's echo of it has been read. */
  void roundTrip();

  /** Stops the peer and removes the files. */
  @Override
  void close() throws Exception;

  /**
   * Opens a link over {@code transport} with a started peer that echoes ({@code echo}) or drains.
   *
   * @param transport {@code mmapkit-o2o}, {@code mmapkit-m2o}, {@code agrona-o2o}, {@code
   *     agrona-m2o}, {@code uds}, or (round trips only) {@code mmapkit-bcast} or {@code
   *     agrona-bcast}
   */
  static Link open(String transport, int messageSize, boolean echo) throws Exception {
    return switch (transport) {
      case "mmapkit-o2o", "mmapkit-m2o" -> new MmapkitLink(transport, messageSize, echo);
      case "agrona-o2o", "agrona-m2o" -> new AgronaLink(transport, messageSize, echo);
      case "uds" -> new SocketLink(messageSize);
      case "mmapkit-bcast" -> new BroadcastLink(messageSize);
      case "agrona-bcast" -> new AgronaBroadcastLink(messageSize);
      default -> throw new IllegalArgumentException("unknown transport " + transport);
    };
  }
}
