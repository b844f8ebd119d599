package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.PRODUCER_CLAIMS;
import static dev.mmapkit.ipc.RingBufferDescriptor.PRODUCER_CLAIM_END;
import static dev.mmapkit.ipc.RingBufferDescriptor.PRODUCER_CLAIM_START;
import static dev.mmapkit.ipc.RingBufferDescriptor.PRODUCER_REFUSALS;
import static dev.mmapkit.ipc.RingBufferDescriptor.SLOT_SHIFT;

/**
 * A slot of a ring's producer table as this process uses it: owned by one thread ({@link #owner}),
 * which records its claims' start and end there with plain stores, or, with {@code owner} null,
 * shared by the threads of this process, which count their claims in flight with atomic adds. See
 * {@link ProducerSlots}. Immutable, so threads may pass it around racily.
 */
final class ProducerSlot {
  /** The one thread that claims through this slot, or null for the process slot. */
  final Thread owner;

  /** The slot's index in the table (0: unregistered). */
  final int index;

  /** {@link #index} as it goes into a record's type field. */
  final int bits;

  /**
   * Offsets in the ring's meta segment of the slot's claims in flight, claim start and end, and
   * refusals.
   */
  final long claimsOffset, claimStartOffset, claimEndOffset, refusalsOffset;

  ProducerSlot(Thread owner, int index) {
    this.owner = owner;
    this.index = index;
    this.bits = index << SLOT_SHIFT;
    long slot = MappedRingBuffer.slotOffset(index);
    this.claimsOffset = slot + PRODUCER_CLAIMS;
    this.claimStartOffset = slot + PRODUCER_CLAIM_START;
    this.claimEndOffset = slot + PRODUCER_CLAIM_END;
    this.refusalsOffset = slot + PRODUCER_REFUSALS;
  }
}
