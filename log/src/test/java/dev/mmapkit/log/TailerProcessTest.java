package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tailer in another process reads records while they are appended, across chunk boundaries. */
class TailerProcessTest {
  @TempDir Path dir;

  @Test
  void aTailerInAnotherProcessSeesEveryRecordAsItIsAppended() throws Exception {
    int count = 20_000;
    try (AppendLog log = AppendLog.open(dir, new LogConfig(1L << 16, Durability.NONE))) {
      log.append(new byte[] {-1, -1, -1, -1}); // before the tailer's start: must not be seen
      Process child =
          ChildJvm.start(TailerChild.class, dir.toString(), "" + log.endPosition(), "" + count);
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
      assertEquals("READY", out.readLine());
      for (int i = 0; i < count; i++) {
        byte[] p = new byte[4 + (i % 300)];
        MemorySegment.ofArray(p).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
        log.append(p);
        if (i % 5000 == 0) Thread.sleep(50); // the tailer goes to sleep on the futex
      }
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "tailer did not finish");
      assertEquals("OK " + count, out.readLine());
      assertEquals(0, child.exitValue());
      assertTrue(log.endPosition() > 20 * (1L << 16), "crossed many chunks");
    }
  }
}
