package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * A child that opens a receiver on {@code args[0]} and reports what it got, one line: {@code slot=S
 * seq=N} or the exception's class and message.
 */
public final class BroadcastAccessMain {
  private BroadcastAccessMain() {}

  public static void main(String[] args) throws Exception {
    try (BroadcastReceiver receiver = Broadcast.openReceiver(Path.of(args[0]))) {
      if (!receiver.receiveNext()) {
        System.out.println("slot=" + receiver.slot() + " nothing received");
        return;
      }
      long seq = Payloads.seq(receiver.message(), 0);
      receiver.awaitMessages(1_000_000); // parks: no slot, no sleeping
      System.out.println("slot=" + receiver.slot() + " seq=" + seq);
    } catch (Exception e) {
      System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
