package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Pins the on-disk layout: changing any of these needs a new format version. */
class LogChunkDescriptorTest {
  @Test
  void layoutIsPinned() {
    assertEquals("LOG ", LogChunkDescriptor.KIND);
    assertEquals(2, LogChunkDescriptor.VERSION);
    assertEquals(4096, LogChunkDescriptor.FIRST_RECORD_OFFSET);
    assertEquals(0, LogChunkDescriptor.STATE_OFFSET);
    assertEquals(4, LogChunkDescriptor.CHECKSUM_OFFSET);
    assertEquals(16, LogChunkDescriptor.HEADER_SIZE);
    assertEquals(8, LogChunkDescriptor.TIMESTAMP_OFFSET);
    assertEquals(1024, LogChunkDescriptor.BASE_SEQUENCE_OFFSET);
    assertEquals(1032, LogChunkDescriptor.BASE_MAX_TIME_OFFSET);
    assertEquals(1040, LogChunkDescriptor.INDEXED_OFFSET);
    assertEquals(1044, LogChunkDescriptor.END_COUNT_OFFSET);
    assertEquals(1048, LogChunkDescriptor.END_MAX_TIME_OFFSET);
    assertEquals(2048, LogChunkDescriptor.ENTRIES_OFFSET);
    assertEquals(128, LogChunkDescriptor.INDEX_ENTRIES);
    assertEquals(16, LogChunkDescriptor.ENTRY_SIZE);
    assertEquals(4096, LogChunkDescriptor.blockStart(1L << 16, 3));
    assertEquals(8 * 4096, LogChunkDescriptor.blockStart(1L << 19, 8));
    assertEquals(8, LogChunkDescriptor.ALIGNMENT);
    assertEquals(0, LogChunkDescriptor.PARAM_CHUNK_SIZE);
    assertEquals(1, LogChunkDescriptor.PARAM_CHUNK_INDEX);
    assertEquals(2, LogChunkDescriptor.PARAM_LOG_ID);
    assertEquals("LOGM", LogMetaDescriptor.KIND);
    assertEquals(4096, LogMetaDescriptor.TAIL_OFFSET);
    assertEquals(4096 + 128, LogMetaDescriptor.WAITERS_OFFSET);
    assertEquals(4096 + 256, LogMetaDescriptor.FIRST_CHUNK_OFFSET);
    assertEquals(4096 + 384, LogMetaDescriptor.PID_NAMESPACE_OFFSET);
    assertEquals(8192, LogMetaDescriptor.FILE_SIZE);
  }

  @Test
  void stateWordEncodesTypeAndLength() {
    int s = LogChunkDescriptor.state(LogChunkDescriptor.TYPE_DATA, 72);
    assertEquals(0x4000_0048, s);
    assertEquals(LogChunkDescriptor.TYPE_DATA, LogChunkDescriptor.type(s));
    assertEquals(72, LogChunkDescriptor.frameLength(s));
    int pad = LogChunkDescriptor.state(LogChunkDescriptor.TYPE_PADDING, (1 << 30) - 4096);
    assertEquals(LogChunkDescriptor.TYPE_PADDING, LogChunkDescriptor.type(pad));
    assertEquals((1 << 30) - 4096, LogChunkDescriptor.frameLength(pad));
    assertEquals(
        LogChunkDescriptor.TYPE_ABORTED,
        LogChunkDescriptor.type(LogChunkDescriptor.state(LogChunkDescriptor.TYPE_ABORTED, 8)));
    assertEquals(16, LogChunkDescriptor.alignedLength(9));
    assertEquals(8, LogChunkDescriptor.alignedLength(8));
  }

  @Test
  void chunkFileNames() {
    assertEquals("0000000042.chunk", LogChunkDescriptor.fileName(42));
    assertEquals(42, LogChunkDescriptor.indexOf("0000000042.chunk"));
    assertEquals(-1, LogChunkDescriptor.indexOf("0000000042.chunk.tmp-1-2"));
    assertEquals(-1, LogChunkDescriptor.indexOf("log.meta"));
    assertEquals(-1, LogChunkDescriptor.indexOf("00000000x2.chunk"));
  }
}
