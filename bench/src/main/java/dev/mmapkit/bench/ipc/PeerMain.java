package dev.mmapkit.bench.ipc;

import dev.mmapkit.ipc.BlockingIdleStrategy;
import dev.mmapkit.ipc.Broadcast;
import dev.mmapkit.ipc.BroadcastReceiver;
import dev.mmapkit.ipc.BroadcastTransmitter;
import dev.mmapkit.ipc.IdleStrategy;
import dev.mmapkit.ipc.MessageHandler;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.io.File;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.CopyBroadcastReceiver;

/**
 * The peer process of the IPC benchmarks: echoes every message back, or drains them, busy-spinning
 * between messages (or, for {@link IpcPaired}, parking once its link is paused: {@link PeerIdle})
 * until it is killed. Prints {@code ready} once it is attached.
 *
 * <p>Args: {@code mmapkit|agrona-o2o|agrona-m2o echo OUT BACK}, {@code ... drain OUT}, {@code
 * mmapkit-bcast|agrona-bcast echo OUT BACK} (receive on OUT, transmit on BACK), or {@code uds echo
 * SOCKET SIZE}, or {@code blocking consume RING COUNT IDLE_MILLIS}, {@code uds-blocking consume
 * SOCKET COUNT} or {@code futex-blocking consume FILE COUNT} (see {@link WakeUpMeasurement}).
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws Exception {
    String transport = args[0];
    boolean echo = args[1].equals("echo");
    if (transport.equals("blocking")) {
      blockingConsumer(Path.of(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
    } else if (transport.equals("mmapkit-bcast")) {
      mmapkitBroadcast(Path.of(args[2]), Path.of(args[3]));
    } else if (transport.equals("agrona-bcast")) {
      agronaBroadcast(new File(args[2]), new File(args[3]));
    } else if (transport.equals("futex-blocking")) {
      try (FutexPeer futex = new FutexPeer(Path.of(args[2]))) {
        ready();
        futex.sleepAndReport(Integer.parseInt(args[3]));
      }
    } else if (transport.equals("uds-blocking")) {
      blockingSocketConsumer(Path.of(args[2]), Integer.parseInt(args[3]));
    } else if (transport.equals("uds")) {
      socketEcho(Path.of(args[2]), Integer.parseInt(args[3]));
    } else if (transport.equals("mmapkit")) {
      mmapkit(Path.of(args[2]), echo ? Path.of(args[3]) : null);
    } else {
      agrona(transport.endsWith("m2o"), new File(args[2]), echo ? new File(args[3]) : null);
    }
  }

  private static void ready() {
    System.out.println("ready");
    System.out.flush();
  }

  private static void mmapkit(Path outPath, Path backPath) throws Exception {
    RingBuffer in = RingBuffers.open(outPath);
    RingBuffer back = backPath == null ? null : RingBuffers.open(backPath);
    MessageHandler handler;
    if (back == null) {
      handler = (type, buffer, offset, length) -> {};
    } else {
      handler =
          (type, buffer, offset, length) -> {
            while (!back.write(type, buffer, offset, length)) Thread.onSpinWait();
          };
    }
    ready();
    PeerIdle idle = new PeerIdle();
    while (true) idle.idle(in.read(handler, 256));
  }

  private static void mmapkitBroadcast(Path outPath, Path backPath) throws Exception {
    BroadcastReceiver in = Broadcast.openReceiver(outPath);
    BroadcastTransmitter back = Broadcast.createTransmitter(backPath, MmapkitLink.ECHO_CAPACITY);
    ready();
    MessageHandler echo =
        (type, buffer, offset, length) -> back.transmit(type, buffer, offset, length);
    PeerIdle idle = new PeerIdle();
    while (true) idle.idle(in.receive(echo));
  }

  private static void agronaBroadcast(File outFile, File backFile) {
    CopyBroadcastReceiver in = AgronaBroadcastLink.receiver(IoUtil.mapExistingFile(outFile, "out"));
    org.agrona.concurrent.broadcast.BroadcastTransmitter back =
        new org.agrona.concurrent.broadcast.BroadcastTransmitter(
            new UnsafeBuffer(IoUtil.mapExistingFile(backFile, "back")));
    org.agrona.concurrent.MessageHandler handler =
        (type, buffer, index, length) -> back.transmit(type, buffer, index, length);
    ready();
    PeerIdle idle = new PeerIdle();
    while (true) idle.idle(in.receive(handler));
  }

  private static void agrona(boolean manyToOne, File outFile, File backFile) {
    org.agrona.concurrent.ringbuffer.RingBuffer in =
        AgronaLink.ring(IoUtil.mapExistingFile(outFile, "out"), manyToOne);
    org.agrona.concurrent.ringbuffer.RingBuffer back =
        backFile == null
            ? null
            : AgronaLink.ring(IoUtil.mapExistingFile(backFile, "back"), manyToOne);
    org.agrona.concurrent.MessageHandler handler;
    if (back == null) {
      handler = (type, buffer, index, length) -> {};
    } else {
      handler =
          (type, buffer, index, length) -> {
            while (!back.write(type, buffer, index, length)) Thread.onSpinWait();
          };
    }
    ready();
    PeerIdle idle = new PeerIdle();
    while (true) idle.idle(in.read(handler, 256));
  }

  /**
   * Idles for a warm-up second, then for {@code idleMillis} with a {@link BlockingIdleStrategy}
   * (measured), then reads messages that each carry the writer's {@link System#nanoTime()}; prints
   * the consuming thread's CPU time during the idle phase, then times the messages and reports as
   * {@link WakeUpLatencies} does, until killed.
   */
  private static void blockingConsumer(Path path, int count, long idleMillis) throws Exception {
    RingBuffer ring = RingBuffers.open(path);
    IdleStrategy idle = new BlockingIdleStrategy(ring);
    WakeUpLatencies latencies = new WakeUpLatencies(count);
    MessageHandler handler =
        (type, buffer, offset, length) ->
            latencies.onStamp(buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
    ready();
    // An unmeasured warm-up: the first 1000 idle calls spin, the first sleeps run interpreted.
    long warmUpEnd = System.nanoTime() + WakeUpMeasurement.IDLE_WARM_UP_MILLIS * 1_000_000;
    while (System.nanoTime() < warmUpEnd) idle.idle(ring.read(handler, 16));
    long idleEnd = System.nanoTime() + idleMillis * 1_000_000;
    long cpuStart = WakeUpMeasurement.threadCpuNanos();
    while (System.nanoTime() < idleEnd) idle.idle(ring.read(handler, 16));
    long idleCpu = WakeUpMeasurement.threadCpuNanos() - cpuStart;
    System.out.println("idle-cpu-nanos " + idleCpu);
    System.out.flush();
    while (true) idle.idle(ring.read(handler, 16));
  }

  /**
   * Reads 8-byte messages, each carrying the writer's {@link System#nanoTime()}, with blocking
   * reads on a Unix-domain socket, and times them as {@link WakeUpLatencies} does: the operating
   * system's own way to wake a sleeping process, for {@link WakeUpMeasurement} to compare with.
   */
  private static void blockingSocketConsumer(Path socket, int count) throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ready(); // before connecting: the parent accepts only after reading this
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer message = ByteBuffer.allocateDirect(8);
      WakeUpLatencies latencies = new WakeUpLatencies(count);
      while (true) {
        message.clear();
        while (message.hasRemaining()) {
          if (channel.read(message) < 0) return;
        }
        latencies.onStamp(message.getLong(0));
      }
    }
  }

  private static void socketEcho(Path socket, int size) throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ready(); // before connecting: the parent accepts only after reading this
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer message = ByteBuffer.allocateDirect(size);
      while (true) {
        message.clear();
        while (message.hasRemaining()) {
          if (channel.read(message) < 0) return;
        }
        message.flip();
        while (message.hasRemaining()) channel.write(message);
      }
    }
  }
}
