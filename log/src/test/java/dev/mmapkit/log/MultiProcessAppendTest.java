package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes append to one log at once, across chunk boundaries: nothing lost or torn. */
class MultiProcessAppendTest {
  @TempDir Path dir;

  @Test
  void threeProcessesAppendConcurrently() throws Exception {
    int count = 20_000;
    try (AppendLog log = AppendLog.open(dir, new LogConfig(1L << 16, Durability.NONE))) {
      List<Process> children = new ArrayList<>();
      List<BufferedReader> outputs = new ArrayList<>();
      for (int id = 1; id <= 2; id++) {
        Process p = ChildJvm.start(CountedWriterChild.class, dir.toString(), "" + id, "" + count);
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        assertEquals("READY", out.readLine());
        outputs.add(out);
      }
      for (long i = 0; i < count; i++) log.append(WriterChild.payload(i)); // writer id 0: here
      for (int c = 0; c < children.size(); c++) {
        assertTrue(children.get(c).waitFor(60, TimeUnit.SECONDS), "child " + c + " finished");
        assertEquals("DONE", outputs.get(c).readLine());
      }
      Set<Long> seen = new HashSet<>();
      List<Long> positions = new ArrayList<>();
      LogReader reader = log.reader();
      reader.poll(
          (position, payload) -> {
            long seq = payload.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            assertArrayEquals(WriterChild.payload(seq), payload.toArray(ValueLayout.JAVA_BYTE));
            assertTrue(seen.add(seq), "record " + seq + " twice");
            assertEquals(positions.size(), reader.sequence(), "numbered in log order, no gaps");
            positions.add(position);
          });
      assertEquals(3 * count, seen.size());
      // the index the children's background threads and this process built agrees
      for (int i = 0; i < positions.size(); i += 997) {
        assertEquals(java.util.OptionalLong.of(positions.get(i)), log.positionOfSequence(i));
      }
      for (long id = 0; id < 3; id++) {
        for (long i = 0; i < count; i++) assertTrue(seen.contains((id << 32) | i), id + "/" + i);
      }
    }
  }
}
