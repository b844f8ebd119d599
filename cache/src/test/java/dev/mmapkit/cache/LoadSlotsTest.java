package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.LOAD_CLAIM;
import static dev.mmapkit.cache.SharedCacheDescriptor.LOAD_HASH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load slots claimed, released and taken over by two attached processes (two slots of this JVM):
 * the claim word always names a live or dead owner, and a stale release never clears another's.
 */
class LoadSlotsTest {
  private static final VarHandle LONG = AttachedProcesses.LONG;
  private static final long HASH = 0x1234_5678_9ABC_DEF0L;
  private static final long OTHER_HASH = HASH ^ 0x10L; // same slot, another key
  private static final long LOAD_WAIT_MILLIS = 2000;

  private static long soon() {
    return System.nanoTime() + 1_000_000_000L;
  }

  @TempDir Path dir;
  private MappedFile mapped;
  private MemorySegment file;
  private AttachedProcesses a, b;
  private LoadSlots slotsOfA, slotsOfB;
  private long at;

  @BeforeEach
  void attachTwice() throws Exception {
    Path path = dir.resolve("c.cache");
    SharedCache.open(path, CacheConfig.of(1 << 20, 1000)).close();
    mapped = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(1 << 20));
    file = mapped.chunk(0);
    a = AttachedProcesses.attach(file, path);
    b = AttachedProcesses.attach(file, path);
    slotsOfA = new LoadSlots(file, a, LOAD_WAIT_MILLIS);
    slotsOfB = new LoadSlots(file, b, LOAD_WAIT_MILLIS);
    at = LoadSlots.slotOffset(HASH);
    assertEquals(at, LoadSlots.slotOffset(OTHER_HASH));
  }

  @AfterEach
  void detach() throws Exception {
    a.detach();
    b.detach();
    mapped.close();
  }

  private long claimWord() {
    return (long) LONG.getVolatile(file, at + LOAD_CLAIM);
  }

  @Test
  void theClaimNamesItsOwnerAndTheKey() {
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfA.claim(HASH, soon()));
    assertEquals(a.ownerId(), claimWord());
    assertEquals(HASH | 1, (long) LONG.getVolatile(file, at + LOAD_HASH));
    assertEquals(LoadSlots.Claim.BUSY, slotsOfB.claim(HASH, soon()));
    assertEquals(LoadSlots.Claim.TAKEN, slotsOfB.claim(OTHER_HASH, soon()));
    slotsOfA.release(HASH);
    assertEquals(0, claimWord());
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfB.claim(OTHER_HASH, soon()));
  }

  @Test
  void aStaleReleaseDoesNotClearAnotherOwnersClaim() {
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfA.claim(HASH, soon()));
    // b took the slot over (as it would from an owner it found dead) and loads another key.
    LONG.setVolatile(file, at + LOAD_CLAIM, b.ownerId());
    LONG.setVolatile(file, at + LOAD_HASH, OTHER_HASH | 1);
    slotsOfA.release(HASH); // the former owner finishes late
    assertEquals(b.ownerId(), claimWord());
    assertEquals(OTHER_HASH | 1, (long) LONG.getVolatile(file, at + LOAD_HASH));
    assertEquals(LoadSlots.Claim.BUSY, slotsOfA.claim(OTHER_HASH, soon()));
  }

  @Test
  void aDeadOwnersClaimIsTakenOverFromItsId() {
    long dead = deadOwner();
    LONG.setVolatile(file, at + LOAD_CLAIM, dead);
    LONG.setVolatile(file, at + LOAD_HASH, HASH | 1);
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfB.claim(HASH, soon()));
    assertEquals(b.ownerId(), claimWord());
  }

  @Test
  void anOwnerThatDiedBetweenClaimAndNamingTheKeyIsRecovered() {
    LONG.setVolatile(file, at + LOAD_CLAIM, deadOwner());
    LONG.setVolatile(file, at + LOAD_HASH, 0L);
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfB.claim(OTHER_HASH, soon()));
    assertEquals(b.ownerId(), claimWord());
    assertEquals(OTHER_HASH | 1, (long) LONG.getVolatile(file, at + LOAD_HASH));
  }

  @Test
  void awaitEndsWhenTheLoaderDies() {
    LONG.setVolatile(file, at + LOAD_CLAIM, deadOwner());
    LONG.setVolatile(file, at + LOAD_HASH, HASH | 1);
    long start = System.nanoTime();
    assertEquals(true, slotsOfB.await(HASH, start + 5_000_000_000L));
    assertEquals(true, System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void aLiveClaimantNotYetNamingItsKeyIsWaitedFor() throws Exception {
    // a claimed an instant ago and was descheduled before writing the key's hash.
    LONG.setVolatile(file, at + LOAD_CLAIM, a.ownerId());
    LONG.setVolatile(file, at + LOAD_HASH, 0L);
    var claim =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> slotsOfB.claim(HASH, System.nanoTime() + 5_000_000_000L));
    Thread.sleep(100); // far more than the naming spins
    LONG.setVolatile(file, at + LOAD_HASH, HASH | 1);
    assertEquals(LoadSlots.Claim.BUSY, claim.get(), "the same key: wait for it, do not compute");

    LONG.setVolatile(file, at + LOAD_HASH, 0L);
    long start = System.nanoTime();
    assertEquals(LoadSlots.Claim.TAKEN, slotsOfB.claim(HASH, start + 200_000_000L));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(true, millis >= 200 && millis < 2000, millis + " ms: until the deadline");
  }

  @Test
  void aLoadOlderThanTheLoadWaitTimeoutMakesNobodyWait() {
    // A loader whose liveness stays unknown (or is alive but stuck) claimed long ago.
    assertEquals(LoadSlots.Claim.CLAIMED, slotsOfA.claim(HASH, soon()));
    LONG.setVolatile(
        file,
        at + SharedCacheDescriptor.LOAD_CLAIMED_AT,
        System.currentTimeMillis() - LOAD_WAIT_MILLIS - 1);
    long start = System.nanoTime();
    assertEquals(false, slotsOfB.await(HASH, start + 5_000_000_000L));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(true, millis < 500, millis + " ms");
    slotsOfA.release(HASH);
  }

  /** The id a detached process had: its slot's epoch has moved on. */
  private long deadOwner() {
    long id = b.ownerId();
    return id ^ (1L << 32); // same slot, another epoch: never alive
  }
}
