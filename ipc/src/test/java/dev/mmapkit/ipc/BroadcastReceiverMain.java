package dev.mmapkit.ipc;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process: opens a receiver, creates {@code readyFile}, then receives until a message of type
 * {@link #END_TYPE}, checking that sequence numbers increase (by exactly one with {@code
 * consecutive}) and payloads are intact. Prints {@code received=N lapped=L}. Args: path readyFile
 * maxLength [mode], mode one of {@code spin} (default), {@code slow} (sleeps 1 ms every 500
 * messages), {@code blocking} (a {@link BlockingIdleStrategy}), {@code hang} (never reads), each
 * optionally followed by {@code -consecutive}.
 */
public final class BroadcastReceiverMain {
  private BroadcastReceiverMain() {}

  static final int DATA_TYPE = 5;
  static final int END_TYPE = 9;

  public static void main(String[] args) throws Exception {
    int maxLength = Integer.parseInt(args[2]);
    String mode = args.length > 3 ? args[3] : "spin";
    boolean consecutive = mode.endsWith("-consecutive");
    mode = mode.replace("-consecutive", "");
    long deadline = System.nanoTime() + 60_000_000_000L;
    String failure = null;
    long received = 0;
    long lastSeq = -1;
    try (BroadcastReceiver receiver = Broadcast.openReceiver(Path.of(args[0]))) {
      Files.createFile(Path.of(args[1]));
      if (mode.equals("hang")) Thread.sleep(600_000);
      IdleStrategy idle =
          mode.equals("blocking")
              ? new BlockingIdleStrategy(receiver, 100, java.time.Duration.ofSeconds(10))
              : new BusySpinIdleStrategy();
      while (failure == null) {
        if (!receiver.receiveNext()) {
          idle.idle();
          if (System.nanoTime() > deadline) failure = "timed out after seq " + lastSeq;
          continue;
        }
        idle.reset();
        if (receiver.type() == END_TYPE) break;
        failure = BroadcastTest.check(receiver, lastSeq, maxLength);
        long seq = Payloads.seq(receiver.message(), 0);
        if (failure == null && consecutive && seq != lastSeq + 1) {
          failure = "seq " + seq + " after " + lastSeq;
        }
        lastSeq = seq;
        received++;
        if (mode.equals("slow") && received % 500 == 0) Thread.sleep(1);
      }
      if (failure != null) {
        System.out.println("FAILED " + failure);
        System.exit(1);
      }
      System.out.println("received=" + received + " lapped=" + receiver.lappedCount());
    }
  }
}
