package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Pins the file layout: changing any of these needs a new {@link RingBufferDescriptor#VERSION}. */
class RingBufferDescriptorTest {

  @Test
  void layoutIsPinned() {
    assertEquals("RING", KIND);
    assertEquals(9, VERSION);
    assertEquals(4096, TAIL_POSITION_OFFSET);
    assertEquals(4224, HEAD_CACHE_POSITION_OFFSET);
    assertEquals(4352, HEAD_POSITION_OFFSET);
    assertEquals(4480, CONSUMER_HEARTBEAT_OFFSET);
    assertEquals(4488, CONSUMER_PID_OFFSET);
    assertEquals(4496, CONSUMER_START_TIME_OFFSET);
    assertEquals(4504, RECORDS_READ_OFFSET);
    assertEquals(4512, CONSUMER_LIVENESS_OFFSET);
    assertEquals(4608, WAKE_SEQUENCE_OFFSET);
    assertEquals(4612, SLEEP_ENABLED_OFFSET);
    assertEquals(4616, WAITERS_OFFSET);
    assertEquals(4736, BACK_PRESSURE_COUNT_OFFSET);
    assertEquals(4744, UNBLOCK_COUNT_OFFSET);
    assertEquals(4752, WAKE_COUNT_OFFSET);
    assertEquals(4992, PRODUCERS_OFFSET);
    assertEquals(64, PRODUCER_SLOT_SIZE);
    assertEquals(0, PRODUCER_PID);
    assertEquals(8, PRODUCER_START_TIME);
    assertEquals(16, PRODUCER_CLAIMS);
    assertEquals(24, PRODUCER_THREAD);
    assertEquals(32, PRODUCER_CLAIM_START);
    assertEquals(40, PRODUCER_CLAIM_END);
    assertEquals(48, PRODUCER_REFUSALS);
    assertEquals(56, PRODUCER_LIVENESS);
    assertEquals(1, LIVENESS_BY_LOCK);
    assertEquals(0, LIVENESS_BY_PID);
    assertEquals(-1, NO_CLAIM);
    assertEquals(0, PROCESS_SLOT);
    assertEquals(13184, PID_NAMESPACES_OFFSET);
    assertEquals(16384, DATA_OFFSET);
    assertEquals(8, HEADER_LENGTH);
    assertEquals(-1, PADDING_TYPE);
    assertEquals(24, SLOT_SHIFT);
    assertEquals(0x8000_0000, PADDING_CLAIM_FLAG);
  }

  @Test
  void writersDoNotShareCacheLines() {
    long[] lines = {
      TAIL_POSITION_OFFSET,
      HEAD_CACHE_POSITION_OFFSET,
      HEAD_POSITION_OFFSET,
      CONSUMER_HEARTBEAT_OFFSET,
      WAKE_SEQUENCE_OFFSET,
      BACK_PRESSURE_COUNT_OFFSET,
      PRODUCERS_OFFSET
    };
    for (int i = 1; i < lines.length; i++) {
      assertTrue(lines[i] - lines[i - 1] >= LINE, "line " + i);
      assertEquals(0, lines[i] % LINE, "line " + i);
    }
    assertTrue(PRODUCERS_OFFSET + PRODUCER_SLOTS * PRODUCER_SLOT_SIZE <= DATA_OFFSET);
    assertEquals(
        0, PRODUCERS_OFFSET % PRODUCER_SLOT_SIZE, "each producer slot on a line of its own");
    // A type field holds the user type and the slot, and stays positive.
    assertTrue(((PRODUCER_SLOTS - 1) << SLOT_SHIFT | MAX_TYPE) > 0);
  }

  @Test
  void sizesAndLimits() {
    assertEquals(16384 + 4096, fileSize(4096));
    assertEquals(512, maxMessageLength(4096));
    assertEquals(MAX_RECORD_LENGTH - HEADER_LENGTH, maxMessageLength(1L << 40));
    assertEquals(0, align(0));
    assertEquals(8, align(1));
    assertEquals(16, align(9));
    assertDoesNotThrow(() -> checkCapacity(1L << 32));
    assertThrows(IllegalArgumentException.class, () -> checkCapacity(3L << 30));
  }
}
