package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static dev.mmapkit.log.LogChunkDescriptor.ENTRIES_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.ENTRY_SIZE;
import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.FileFormatException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged record or sequence index under an already indexed part of a chunk gives a {@link
 * FileFormatException} naming the chunk from every seek, never a hang, a bogus position or an
 * {@code IndexOutOfBoundsException}.
 */
class DamagedIndexTest {
  /** 100 records of 8 bytes: 24 bytes each, from offset 4096; entries 0 to 12 get indexed. */
  private static final int RECORDS = 100;

  private static final long FIFTH = FIRST_RECORD_OFFSET + 5 * 24;

  @TempDir Path dir;
  private AppendLog log;
  private MemorySegment chunk;
  private final long[] timestamps = new long[RECORDS];

  @BeforeEach
  void fill() throws Exception {
    log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE));
    for (int i = 0; i < RECORDS; i++) log.append(new byte[8]);
    assertEquals(FIRST_RECORD_OFFSET + 10 * 24, log.positionOfSequence(10).getAsLong());
    chunk = log.chunks().mapped(0);
    LogReader reader = log.reader();
    reader.poll((p, payload) -> timestamps[(int) reader.sequence()] = reader.timestampNanos());
    assertTrue(timestamps[4] < timestamps[8], "a time after the fifth record");
    assertTrue(log.index().indexedEntries(0) > 9, "the fifth record lies before the last entry");
  }

  @org.junit.jupiter.api.AfterEach
  void close() throws Exception {
    log.close();
  }

  @Test
  void anAbortedRecordOfLengthZeroDoesNotHangASeek() {
    chunk.set(LogMeta.INT, FIFTH, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_ABORTED, 0));
    refusedBySeeks();
  }

  @Test
  void anAbortedRecordShorterThanAHeaderDoesNotHangASeek() {
    chunk.set(LogMeta.INT, FIFTH, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_ABORTED, 7));
    refusedBySeeks();
  }

  @Test
  void aDataRecordOfLengthZeroGivesNoBogusPosition() {
    chunk.set(LogMeta.INT, FIFTH, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_DATA, 0));
    refusedBySeeks();
  }

  @Test
  void aRecordRunningPastTheChunkEnd() {
    chunk.set(
        LogMeta.INT, FIFTH, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_DATA, (int) SMALL));
    refusedBySeeks();
  }

  @Test
  void anIndexedCountAbove128() {
    chunk.set(LogMeta.INT, LogChunkDescriptor.INDEXED_OFFSET, 200);
    refused(() -> log.positionOfSequence(10), "200 of its 128 entries");
    chunk.set(LogMeta.INT, LogChunkDescriptor.INDEXED_OFFSET, -1);
    refused(() -> log.positionOfSequence(10), "-1 of its 128 entries");
  }

  @Test
  void anEntryOffsetOutsideTheRecordsOrMisaligned() {
    for (int bad :
        new int[] {0, (int) FIRST_RECORD_OFFSET - 8, (int) FIRST_RECORD_OFFSET + 4, -16}) {
      chunk.set(LogMeta.INT, ENTRIES_OFFSET + 9L * ENTRY_SIZE, bad);
      refused(() -> log.tailer(FIRST_RECORD_OFFSET + 30 * 24), "index entry 9 points at offset");
    }
  }

  @Test
  void anEntryCountingMoreRecordsThanAChunkHolds() {
    chunk.set(LogMeta.INT, ENTRIES_OFFSET + 8L * ENTRY_SIZE + 4, Integer.MAX_VALUE);
    refused(() -> log.positionOfSequence(10), "index entry 8 counts");
  }

  @Test
  void aNegativeBaseOrRecordCountOfAChunk() throws Exception {
    while (log.endPosition() < 2 * SMALL) log.append(new byte[1000]);
    log.chunks().awaitBackground(); // chunk preparation must not race with the damage below
    MemorySegment second = log.chunks().mapped(1);
    long inSecond = SMALL + FIRST_RECORD_OFFSET;
    long sequence = log.index().sequenceAt(inSecond);
    assertTrue(sequence > RECORDS);

    second.set(LogMeta.LONG, LogChunkDescriptor.BASE_SEQUENCE_OFFSET, -5);
    refused(() -> log.tailer(inSecond), "sequence number of its first record is -6");

    // the base is computed again from chunk 0's record count, which is damaged
    second.set(LogMeta.LONG, LogChunkDescriptor.BASE_SEQUENCE_OFFSET, 0);
    int count = chunk.get(LogMeta.INT, LogChunkDescriptor.END_COUNT_OFFSET);
    assertTrue(count > RECORDS, "chunk 0 is sealed and indexed");
    chunk.set(LogMeta.INT, LogChunkDescriptor.END_COUNT_OFFSET, Integer.MIN_VALUE);
    refused(() -> log.tailer(inSecond), "index says it holds");
    chunk.set(LogMeta.INT, LogChunkDescriptor.END_COUNT_OFFSET, count);
    assertEquals(sequence, log.index().sequenceAt(inSecond), "repaired");
  }

  private void refusedBySeeks() {
    refused(() -> log.positionOfSequence(10), "impossible length");
    refused(
        () -> log.positionAtOrAfter(Instant.ofEpochSecond(0, timestamps[8])), "impossible length");
    refused(() -> log.tailer(FIRST_RECORD_OFFSET + 10 * 24), "impossible length");
  }

  private void refused(Executable seek, String problem) {
    FileFormatException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5), () -> assertThrows(FileFormatException.class, seek));
    assertTrue(e.getMessage().contains(".chunk"), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }
}
