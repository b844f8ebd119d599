package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Closing several resources closes every one, whichever fail. */
class ClosingTest {
  @Test
  void everyResourceIsClosedAndTheFirstFailureIsThrown() {
    List<String> closed = new ArrayList<>();
    IOException first = new IOException("chunks");
    IllegalStateException second = new IllegalStateException("meta");
    var e =
        assertThrows(
            IOException.class,
            () ->
                Closing.closeAll(
                    () -> {
                      closed.add("chunks");
                      throw first;
                    },
                    () -> {
                      closed.add("meta");
                      throw second;
                    },
                    () -> closed.add("lock")));
    assertSame(first, e);
    assertSame(second, e.getSuppressed()[0]);
    assertEquals(List.of("chunks", "meta", "lock"), closed);
  }

  @Test
  void afterAFailureTheOthersAreClosedAndTheirFailuresAttached() {
    RuntimeException primary = new RuntimeException("open failed");
    List<String> closed = new ArrayList<>();
    Closing.closeAll(
        primary,
        () -> {
          closed.add("chunks");
          throw new IOException("x");
        },
        () -> closed.add("meta"));
    assertEquals(List.of("chunks", "meta"), closed);
    assertEquals(1, primary.getSuppressed().length);
  }
}
