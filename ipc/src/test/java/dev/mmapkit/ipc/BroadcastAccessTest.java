package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What opening a broadcast file says when the file is missing, a directory or not permitted. */
@Timeout(60)
class BroadcastAccessTest {
  private TestRings files;
  private Path path;

  @BeforeEach
  void setUp() throws Exception {
    files = new TestRings();
    path = files.path("broadcast");
  }

  @AfterEach
  void tearDown() throws Exception {
    files.close();
  }

  @Test
  void aMissingFileIsNamed() {
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Broadcast.openReceiver(path));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    assertThrows(NoSuchFileException.class, () -> Broadcast.readStats(path));
  }

  @Test
  void aDirectoryIsRefusedAsOne() throws Exception {
    Files.createDirectory(path);
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Broadcast.openReceiver(path));
    assertEquals(path + ": is a directory, not a broadcast file", e.getMessage());
    e = assertThrows(FileSystemException.class, () -> Broadcast.readStats(path));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  /** Runs {@link BroadcastAccessMain} as user nobody on {@link #path}. */
  private String openAsNobody() throws Exception {
    ChildJvm.Result result =
        ChildJvm.finish(ChildJvm.startAsNobody(BroadcastAccessMain.class, path.toString()), 30);
    assertEquals(0, result.exitCode(), result.toString());
    return result.stdout().strip();
  }

  @Test
  void aProcessThatMayOnlyReadGetsALossyReceiverOutsideTheTableAndNoReliableOne() throws Exception {
    assumeTrue(ChildJvm.isRoot(), "needs root, to run a child as nobody");
    Files.setPosixFilePermissions(files.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      transmitter.transmit(1, Payloads.bytes(0, 0, 42, 16));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
      assertEquals("slot=-1 seq=42", openAsNobody());
      assertEquals(0, Broadcast.readStats(path).receivers().size(), "it took no slot");
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      String denied = openAsNobody();
      assertTrue(denied.startsWith("AccessDeniedException: " + path), denied);
    }
    Files.delete(path);
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
      String refused = openAsNobody();
      assertTrue(refused.startsWith("AccessDeniedException: " + path), refused);
      assertTrue(refused.contains("reliable broadcast receiver must write"), refused);
    }
  }
}
