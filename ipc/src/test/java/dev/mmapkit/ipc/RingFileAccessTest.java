package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.Processes;
import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What creating and opening rings does with paths that are not ring files: directories, missing
 * directories, files this process may not use, and what a creator killed halfway left behind.
 */
class RingFileAccessTest {
  private TestRings files;
  private Path path;

  @BeforeEach
  void setUp() throws Exception {
    files = new TestRings();
    path = files.path("ring");
  }

  @AfterEach
  void tearDown() throws Exception {
    files.close();
  }

  @Test
  void aDirectoryAtThePathIsNamedAsOne() throws Exception {
    Files.createDirectory(path);
    FileAlreadyExistsException exists =
        assertThrows(
            FileAlreadyExistsException.class, () -> RingBuffers.createManyToOne(path, 4096));
    assertEquals(path + ": a directory is already there", exists.getMessage());
    for (var open : List.<Attempt>of(RingBuffers::open, RingBuffers::readStats)) {
      FileSystemException e = assertThrows(FileSystemException.class, () -> open.run(path));
      assertEquals(path + ": is a directory, not a ring", e.getMessage());
    }
  }

  private interface Attempt {
    Object run(Path path) throws Exception;
  }

  @Test
  void aMissingDirectoryIsNamed() {
    Path nowhere = files.path("missing").resolve("ring");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> RingBuffers.createOneToOne(nowhere, 4096));
    assertEquals(nowhere + ": no such directory: " + nowhere.getParent(), e.getMessage());
    assertThrows(NoSuchFileException.class, () -> Broadcast.createTransmitter(nowhere, 4096));
  }

  @Test
  void whatACreatorKilledHalfwayLeftIsRemovedByTheNextCreateOnceItIsGone() throws Exception {
    // The state kill -9 leaves between reserving the temporary file and linking it into place.
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
    long me = ProcessHandle.current().pid();
    long myStart = Processes.currentStartTime();
    Path deadCreators = files.path(".ring." + gone.pid() + "-" + myStart + "-1.new");
    Path earlierHolderOfMyPid = files.path(".ring." + me + "-" + (myStart - 1) + "-1.new");
    Path earlierBuild = files.path(".ring." + gone.pid() + ".new");
    Path liveCreator = files.path(".ring." + me + "-" + myStart + "-999999.new");
    Path ringWithALongerName = files.path(".ring.2024-01." + gone.pid() + "-1-1.new");
    Path otherName = files.path(".other." + gone.pid() + "-1-1.new");
    long ns = Processes.currentPidNamespace();
    Path deadCreatorHere = files.path(".ring." + gone.pid() + "-" + myStart + "-" + ns + "-2.new");
    Path creatorElsewhere =
        files.path(".ring." + gone.pid() + "-" + myStart + "-" + (ns + 1) + "-3.new");
    Path liveCreatorHere = files.path(".ring." + me + "-" + myStart + "-" + ns + "-999999.new");
    List<Path> left =
        List.of(
            deadCreatorHere,
            creatorElsewhere,
            liveCreatorHere,
            deadCreators,
            earlierHolderOfMyPid,
            earlierBuild,
            liveCreator,
            ringWithALongerName,
            otherName);
    for (Path file : left) Files.write(file, new byte[8192]);
    RingBuffers.createManyToOne(path, 4096).close();
    assertFalse(Files.exists(deadCreators), "a dead creator's temporary file was removed");
    assertFalse(Files.exists(earlierHolderOfMyPid), "also one of a process that had this pid");
    assertFalse(Files.exists(earlierBuild), "also in the name an earlier build gave it");
    assertTrue(Files.exists(liveCreator), "a live creator's is left alone");
    assertTrue(Files.exists(ringWithALongerName), "the ring ring.2024-01's is left alone");
    assertTrue(Files.exists(otherName), "another name's is left alone");
    assertEquals(
        ns != 0 && Processes.canProveDeath(ns),
        !Files.exists(deadCreatorHere),
        "a dead creator of this PID namespace's is removed where /proc can prove it");
    assertTrue(Files.exists(creatorElsewhere), "a creator's in another PID namespace is kept");
    assertTrue(Files.exists(liveCreatorHere), "a live creator's is left alone");
    try (var listing = Files.list(files.directory)) {
      assertEquals(
          Files.exists(deadCreatorHere) ? 7 : 6, listing.count(), "the ring, and those left alone");
    }
  }

  /** Runs {@link RingAccessMain} as user nobody. */
  private String asNobody(String what, Path ring) throws Exception {
    ChildJvm.Result result =
        ChildJvm.finish(ChildJvm.startAsNobody(RingAccessMain.class, what, ring.toString()), 30);
    assertEquals(0, result.exitCode(), result.toString());
    return result.stdout().strip();
  }

  @Test
  void aProcessWithoutPermissionIsToldWhichPathAndWhy() throws Exception {
    assumeTrue(ChildJvm.isRoot(), "needs root, to run a child as nobody");
    Files.setPosixFilePermissions(files.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    String create = asNobody("create", path);
    assertEquals(
        "AccessDeniedException: "
            + path
            + ": permission denied creating a file in "
            + files.directory,
        create);
    RingBuffers.createOneToOne(path, 4096).close();
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
    String open = asNobody("open", path);
    assertTrue(open.startsWith("AccessDeniedException: " + path), open);
    assertEquals("ok capacity=4096", asNobody("readStats", path), "reading needs read only");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    String stats = asNobody("readStats", path);
    assertTrue(stats.startsWith("AccessDeniedException: " + path), stats);
  }
}
