package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an open makes of a file that shrinks while it checks it ({@link MappedFaults#whileOpening}),
 * driven deterministically: the step itself shrinks the file, or throws what a fault raises.
 */
class MappedFaultsTest {
  private static final String FAULT = "a fault occurred in an unsafe memory access operation";

  @TempDir Path dir;
  private Path path;
  private MappedFile file;

  /** Something an open builds on the file, which must be undone if the open fails after all. */
  private static final class Joined implements AutoCloseable {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  @BeforeEach
  void mapAFile() throws IOException {
    path = dir.resolve("f");
    Files.write(path, new byte[64 * 1024]);
    file = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(64 * 1024));
  }

  private void shrinkTo(long size) throws IOException {
    try (RandomAccessFile shrunk = new RandomAccessFile(path.toFile(), "rw")) {
      shrunk.setLength(size);
    }
  }

  @Test
  void aStepThatSucceedsOnAWholeFileKeepsItOpen() throws IOException {
    Joined joined = new Joined();
    assertSame(joined, MappedFaults.whileOpening(path, "test file", file, () -> joined));
    assertFalse(joined.closed);
    assertEquals(0, file.chunk(0).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    file.close();
  }

  @Test
  void aShrinkDuringTheStepFailsTheOpenAndUndoesWhatTheStepBuilt() throws IOException {
    Joined joined = new Joined();
    FileFormatException e =
        assertThrows(
            FileFormatException.class,
            () ->
                MappedFaults.whileOpening(
                    path,
                    "test file",
                    file,
                    () -> {
                      shrinkTo(4096);
                      return joined;
                    }));
    assertTrue(
        e.getMessage().contains("truncated while being opened")
            && e.getMessage().contains("shrank the test file to 4096 bytes"),
        e.getMessage());
    assertTrue(joined.closed, "what the step built is closed");
    assertThrows(IllegalStateException.class, file::currentFileSize, "the file is closed");
  }

  @Test
  void aFaultInTheStepIsAFormatErrorWithTheFaultAsCause() throws IOException {
    InternalError fault = new InternalError(FAULT);
    FileFormatException e =
        assertThrows(
            FileFormatException.class,
            () ->
                MappedFaults.whileOpening(
                    path,
                    "test file",
                    file,
                    () -> {
                      throw fault;
                    }));
    assertSame(fault, e.getCause());
    assertThrows(IllegalStateException.class, file::currentFileSize, "the file is closed");
  }

  @Test
  void anyOtherInternalErrorPropagatesAndTheFileIsClosed() {
    InternalError bug = new InternalError("something else");
    assertSame(
        bug,
        assertThrows(
            InternalError.class,
            () ->
                MappedFaults.whileOpening(
                    path,
                    "test file",
                    file,
                    () -> {
                      throw bug;
                    })));
    assertThrows(IllegalStateException.class, file::currentFileSize, "the file is closed");
  }

  @Test
  void aFileRenamedAwayDuringTheStepIsStillMeasuredThroughItsDescriptor() throws IOException {
    Path moved = dir.resolve("moved");
    FileFormatException e =
        assertThrows(
            FileFormatException.class,
            () ->
                MappedFaults.whileOpening(
                    path,
                    "test file",
                    file,
                    () -> {
                      shrinkTo(0);
                      Files.move(path, moved);
                      return null;
                    }));
    assertTrue(e.getMessage().contains("to 0 bytes"), e.getMessage());
  }
}
