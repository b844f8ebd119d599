package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.PRODUCER_CLAIMS;
import static dev.mmapkit.ipc.RingBufferDescriptor.SLOT_SHIFT;

/**
 * A slot of a ring's producer table as this process uses it: owned by one thread ({@link #owner}),
 * which updates it with plain stores, or, with {@code owner} null, shared by the threads of this
 * process, which update it with atomic adds. See {@link ProducerSlots}.
 */
final class ProducerSlot {
  /** The one thread that claims through this slot, or null for the process slot. */
  final Thread owner;

  /** The slot's index in the table (0: unregistered). */
  final int index;

  /** {@link #index} as it goes into a record's type field. */
  final int bits;

  /** The offset of the slot's claims word in the ring's meta segment. */
  final long claimsOffset;

  /**
   * The claims word as the owner last stored it, so that a claim need not read it back; touched
   * only by the owner (threads pass the object around racily, but read only the final fields).
   */
  long claims;

  ProducerSlot(Thread owner, int index, long claims) {
    this.owner = owner;
    this.index = index;
    this.bits = index << SLOT_SHIFT;
    this.claimsOffset = MappedRingBuffer.slotOffset(index) + PRODUCER_CLAIMS;
    this.claims = claims;
  }
}
