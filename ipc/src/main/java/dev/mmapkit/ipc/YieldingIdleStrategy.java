package dev.mmapkit.ipc;

/** Yields the processor ({@link Thread#yield()}): lets other threads run, still burns CPU. */
public final class YieldingIdleStrategy implements IdleStrategy {
  @Override
  public void idle() {
    Thread.yield();
  }
}
