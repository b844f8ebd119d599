package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordClockTest {
  @Test
  void followsTheWallClock() throws Exception {
    for (int i = 0; i < 3; i++) {
      Instant before = Instant.now();
      long stamp = RecordClock.epochNanos();
      Instant after = Instant.now();
      long lo = before.getEpochSecond() * 1_000_000_000L + before.getNano();
      long hi = after.getEpochSecond() * 1_000_000_000L + after.getNano();
      // within a millisecond of the wall clock read around it (offsets are taken once a second)
      assertTrue(stamp >= lo - 1_000_000 && stamp <= hi + 1_000_000, lo + " " + stamp + " " + hi);
      Thread.sleep(600); // crosses a re-read of the offset
    }
  }
}
