package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Pins the file layout: a change here is a format change and needs a new {@link #VERSION}. */
class SharedCacheDescriptorTest {

  @Test
  void fixedRegionsArePinned() {
    assertEquals("CACH", KIND);
    assertEquals(3, VERSION);
    assertEquals(4096, GLOBAL_OFFSET);
    assertEquals(8192, PROCESSES_OFFSET);
    assertEquals(8192 + 128 * 128, LOADS_OFFSET);
    assertEquals(8192 + 128 * 128 + 256 * 64, SEGMENTS_OFFSET);
    assertEquals(0, SEGMENTS_OFFSET % 4096, "segments start page-aligned");
    assertEquals(192, SEG_HEADER_SIZE);
    assertEquals(12, ENTRY_HEADER_SIZE);
  }

  @Test
  void hotFieldsSitOnTheirOwnCacheLines() {
    assertTrue(SEG_VERSION / CACHE_LINE != SEG_LOCK / CACHE_LINE);
    assertTrue(SEG_USED / CACHE_LINE != SEG_VERSION / CACHE_LINE);
    assertTrue(SLOT_HITS / CACHE_LINE != SLOT_CLAIM / CACHE_LINE);
    assertEquals(0, PROCESS_SLOT_SIZE % CACHE_LINE);
  }

  @Test
  void entriesArePaddedToFourBytes() {
    assertEquals(12, entrySize(0, 0));
    assertEquals(16, entrySize(1, 0));
    assertEquals(128, entrySize(16, 100));
  }

  @Test
  void layoutOfAMillionSmallEntries() {
    CacheLayout layout =
        CacheLayout.of(CacheConfig.of(145_000_000, 1_000_000).withMaxValueSize(100));
    assertEquals(64, layout.segments());
    assertEquals(15_625 + 976 + 16, layout.maxEntriesPerSegment());
    assertEquals(16_617 + 4_154 + 1, layout.indexCapacity());
    long segmentEnd = layout.segmentOffset(63) + layout.segmentStride();
    assertTrue(segmentEnd <= 145_002_496, "fits the budget: " + segmentEnd);
    // The entry areas hold a million 16 B + 100 B entries (128 B each) with room to spare.
    assertTrue(64 * layout.dataCapacity() >= 1_000_000L * 128, "" + layout);
  }

  @Test
  void headerRoundTrips() throws Exception {
    CacheLayout layout = CacheLayout.of(CacheConfig.of(1 << 20, 1000));
    CacheLayout read = CacheLayout.from(layout.header(), 1 << 20, java.nio.file.Path.of("x"));
    assertEquals(layout, read);
  }
}
