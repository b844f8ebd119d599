package dev.mmapkit.ipc;

/** Spins with {@link Thread#onSpinWait()}: lowest latency, burns a core while idle. */
public final class BusySpinIdleStrategy implements IdleStrategy {
  @Override
  public void idle() {
    Thread.onSpinWait();
  }
}
