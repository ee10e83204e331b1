/**
 * Bytes of request bodies an HTTP input holds at once: being read, decoded or waiting for Kafka.
 * A request is admitted only while the total stays within `limit`; past it the input answers 503
 * with Retry-After instead of growing its memory with every sender that keeps posting. One
 * admitted request may take the total past `limit` by at most its own body (a chunked body has
 * no length to check up front), which `maxBodyBytes` bounds.
 */
export class ByteBudget {
  private inUse = 0;

  constructor(readonly limit: number) {}

  /** Bytes held now. */
  get used(): number {
    return this.inUse;
  }

  /**
   * Admits a request that declares `declared` bytes (0 when it declares none), or returns undefined
   * when the budget has no room. The lease grows with `add` and must be released exactly once.
   */
  admit(declared: number): BudgetLease | undefined {
    const n = Number.isFinite(declared) && declared > 0 ? declared : 0;
    if (this.inUse >= this.limit || this.inUse + n > this.limit) return undefined;
    return new BudgetLease(this, n);
  }

  /** @internal the lease's accounting. */
  adjust(delta: number): void {
    this.inUse += delta;
  }
}

/** The bytes one admitted request holds; released when its response is done. */
export class BudgetLease {
  /** Body bytes held: what was declared, or what was read when more. */
  private body = 0;
  private extra = 0;
  private released = false;

  constructor(
    private readonly budget: ByteBudget,
    declared: number,
  ) {
    this.reading(declared);
  }

  /** The body read so far is `total` bytes: counts what exceeds what the lease already holds for it. */
  reading(total: number): void {
    if (this.released || total <= this.body) return;
    this.budget.adjust(total - this.body);
    this.body = total;
  }

  /** Counts `n` bytes more than the body (its decompressed copy). */
  add(n: number): void {
    if (this.released || n <= 0) return;
    this.extra += n;
    this.budget.adjust(n);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.adjust(-(this.body + this.extra));
  }
}
