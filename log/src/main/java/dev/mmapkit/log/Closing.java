package dev.mmapkit.log;

import java.io.IOException;

/** Closes several resources, every one of them even when an earlier one fails. */
final class Closing {
  private Closing() {}

  /**
   * Closes each of {@code resources} in order, skipping nulls; the first failure is thrown after
   * all were tried, with the later ones suppressed in it.
   */
  static void closeAll(AutoCloseable... resources) throws IOException {
    Throwable failure = null;
    for (AutoCloseable r : resources) {
      if (r == null) continue;
      try {
        r.close();
      } catch (Exception | Error e) {
        if (failure == null) failure = e;
        else failure.addSuppressed(e);
      }
    }
    if (failure == null) return;
    if (failure instanceof IOException io) throw io;
    if (failure instanceof RuntimeException re) throw re;
    if (failure instanceof Error error) throw error;
    throw new IOException(failure);
  }

  /** Closes each of {@code resources} after {@code primary} failed, adding failures to it. */
  static void closeAll(Throwable primary, AutoCloseable... resources) {
    try {
      closeAll(resources);
    } catch (IOException | RuntimeException | Error e) {
      primary.addSuppressed(e);
    }
  }
}
