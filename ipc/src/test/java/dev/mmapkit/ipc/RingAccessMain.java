package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * A child that does one thing to the ring file {@code args[1]} and prints what it got, one line:
 * {@code create}, {@code open} or {@code readStats}, then {@code ok ...} or the exception's class
 * and message.
 */
public final class RingAccessMain {
  private RingAccessMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[1]);
    try {
      switch (args[0]) {
        case "create" -> RingBuffers.createOneToOne(path, 4096).close();
        case "open" -> RingBuffers.open(path).close();
        case "readStats" -> {
          System.out.println("ok capacity=" + RingBuffers.readStats(path).capacity());
          return;
        }
        default -> throw new IllegalArgumentException(args[0]);
      }
      System.out.println("ok");
    } catch (Exception e) {
      System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
