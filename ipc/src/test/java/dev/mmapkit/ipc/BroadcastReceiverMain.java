package dev.mmapkit.ipc;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process: opens a receiver, creates {@code readyFile}, then receives until a message of type
 * {@link #END_TYPE}, checking that sequence numbers increase and payloads are intact. Prints {@code
 * received=N lapped=L}. Args: path readyFile maxLength.
 */
public final class BroadcastReceiverMain {
  private BroadcastReceiverMain() {}

  static final int DATA_TYPE = 5;
  static final int END_TYPE = 9;

  public static void main(String[] args) throws Exception {
    int maxLength = Integer.parseInt(args[2]);
    long deadline = System.nanoTime() + 30_000_000_000L;
    String failure = null;
    long received = 0;
    long lastSeq = -1;
    try (BroadcastReceiver receiver = Broadcast.openReceiver(Path.of(args[0]))) {
      Files.createFile(Path.of(args[1]));
      while (failure == null) {
        if (!receiver.receiveNext()) {
          Thread.onSpinWait();
          if (System.nanoTime() > deadline) failure = "timed out after seq " + lastSeq;
          continue;
        }
        if (receiver.type() == END_TYPE) break;
        failure = BroadcastTest.check(receiver, lastSeq, maxLength);
        lastSeq = Payloads.seq(receiver.message(), 0);
        received++;
      }
      if (failure != null) {
        System.out.println("FAILED " + failure);
        System.exit(1);
      }
      System.out.println("received=" + received + " lapped=" + receiver.lappedCount());
    }
  }
}
