package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Pins the broadcast file layout: changing an offset must be a deliberate format change. */
class BroadcastDescriptorTest {

  @Test
  void offsetsAreThoseOfVersion5() {
    assertEquals(5, VERSION);
    assertEquals("BCST", KIND);
    assertEquals(4096, TAIL_INTENT_OFFSET);
    assertEquals(4104, TAIL_OFFSET);
    assertEquals(4112, RECORDS_WRITTEN_OFFSET);
    assertEquals(4120, LATEST_OFFSET);
    assertEquals(4224, WAKE_SEQUENCE_OFFSET);
    assertEquals(4228, SLEEP_ENABLED_OFFSET);
    assertEquals(4232, WAITERS_OFFSET);
    assertEquals(4352, TRANSMITTER_PID_OFFSET);
    assertEquals(4360, TRANSMITTER_START_TIME_OFFSET);
    assertEquals(4368, BACK_PRESSURE_COUNT_OFFSET);
    assertEquals(4376, WAKE_COUNT_OFFSET);
    assertEquals(4384, DROPPED_RECEIVERS_OFFSET);
    assertEquals(4392, TRANSMITTER_LIVENESS_OFFSET);
    assertEquals(4480, PID_NAMESPACES_OFFSET);
    assertEquals(8192, RECEIVERS_OFFSET);
    assertEquals(64, RECEIVER_SLOTS);
    assertEquals(128, RECEIVER_SLOT_SIZE);
    assertEquals(8192 + 63 * 128, receiverOffset(63));
    assertEquals(16384, DATA_OFFSET);
    assertEquals(16384 + 4096, fileSize(4096));
    assertEquals(1, LOSSY);
    assertEquals(2, RELIABLE);
    assertArrayEquals(
        new int[] {0, 8, 16, 24},
        new int[] {RECEIVER_OWNER, RECEIVER_POSITION, RECEIVER_LAPPED, RECEIVER_LIVENESS});
    assertEquals(1, LIVENESS_BY_LOCK);
    assertEquals(0, LIVENESS_BY_PID);
    assertTrue(RECEIVER_SLOTS <= Long.SIZE, "one bit per slot in the sleepers' mask");
  }

  @Test
  void writersDoNotShareCacheLines() {
    // The transmitter's positions on one line; the waiters' line; the counters' line.
    assertTrue(LATEST_OFFSET + 8 <= TAIL_INTENT_OFFSET + LINE);
    long[] lines = {TAIL_INTENT_OFFSET, WAKE_SEQUENCE_OFFSET, TRANSMITTER_PID_OFFSET};
    for (int i = 1; i < lines.length; i++) {
      assertEquals(LINE, lines[i] - lines[i - 1], "line " + i);
    }
    assertTrue(TRANSMITTER_PID_OFFSET + LINE <= RECEIVERS_OFFSET);
    assertEquals(0, RECEIVERS_OFFSET % LINE);
  }
}
