package io.piimask.spark;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) over the padded key blocks the kit joins into each row.
 *
 * <p>{@code ipad} and {@code opad} are the two 64-byte blocks K xor 0x36.. and K xor 0x5c.. (the
 * kit's {@code piimask.hmac.pad_key}). Their SHA-256 states after absorbing each block are
 * computed once per key and cached; each value then costs two clones and two compressions for a
 * value of up to 55 bytes, instead of the four compressions of
 * {@code sha2(concat(opad, unhex(sha2(concat(ipad, value)))))}. The result is byte-for-byte that
 * expression's: the blocks are absorbed as given, whatever their length.
 *
 * <p>The cache holds the last {@value #CACHE} key pairs seen (rows of up to that many key windows
 * can interleave without recomputing a state); it is compared by reference first, then by
 * content, since Spark hands a fresh {@code byte[]} for a binary column on every row. An instance
 * is safe to share between threads: cache entries are immutable and published whole, and a
 * cached state is only ever cloned, never updated. Lost updates only cost a recomputation.
 */
public final class HmacSha256 {

  /** Most key pairs cached per instance (the kit's windows in one partition are a handful). */
  static final int CACHE = 8;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST = 32;

  /** The precomputed states for one (ipad, opad) pair. Immutable once published. */
  private static final class Entry {
    final byte[] ipad;
    final byte[] opad;
    final MessageDigest inner;
    final MessageDigest outer;

    Entry(byte[] ipad, byte[] opad, MessageDigest inner, MessageDigest outer) {
      this.ipad = ipad;
      this.opad = opad;
      this.inner = inner;
      this.outer = outer;
    }

    boolean sameRef(byte[] i, byte[] o) {
      return ipad == i && opad == o;
    }

    boolean sameContent(byte[] i, byte[] o) {
      return Arrays.equals(ipad, i) && Arrays.equals(opad, o);
    }
  }

  // `last` is read on every value: a plain field is enough, since an Entry has only final fields
  // (safely published through a race). The array's slots are not final, so it is volatile; it
  // is written only when a new key pair is seen.
  private Entry last; // most recently used entry
  private volatile Entry[] entries = new Entry[0]; // up to CACHE entries, newest first
  private long misses; // states computed (diagnostic only, not synchronized)

  /** How many key states this instance has computed (a diagnostic for tests). */
  public long misses() {
    return misses;
  }

  private Entry entry(byte[] ipad, byte[] opad) {
    Entry e = last;
    if (e != null && (e.sameRef(ipad, opad) || e.sameContent(ipad, opad))) {
      return e;
    }
    Entry[] all = entries;
    for (Entry c : all) {
      if (c.sameContent(ipad, opad)) {
        last = c;
        return c;
      }
    }
    // Copy the blocks: the caller's arrays may be reused by whoever handed them over.
    byte[] i = ipad.clone();
    byte[] o = opad.clone();
    MessageDigest inner = sha256();
    inner.update(i);
    MessageDigest outer = sha256();
    outer.update(o);
    Entry fresh = new Entry(i, o, inner, outer);
    Entry[] grown = new Entry[Math.min(all.length + 1, CACHE)];
    grown[0] = fresh;
    System.arraycopy(all, 0, grown, 1, grown.length - 1);
    entries = grown;
    last = fresh;
    misses++;
    return fresh;
  }

  /** The 32-byte MAC of {@code value[off, off+len)}, or null if any argument is null. */
  public byte[] mac(byte[] value, int off, int len, byte[] ipad, byte[] opad) {
    if (value == null || ipad == null || opad == null) {
      return null;
    }
    byte[] out = new byte[DIGEST];
    macInto(entry(ipad, opad), value, off, len, out);
    return out;
  }

  public byte[] mac(byte[] value, byte[] ipad, byte[] opad) {
    return value == null ? null : mac(value, 0, value.length, ipad, opad);
  }

  /**
   * The first {@code nHex} lowercase hex characters (at most 64) of the MAC of
   * {@code value[off, off+len)}, as ASCII bytes; null if any argument is null.
   */
  public byte[] hexBytes(byte[] value, int off, int len, byte[] ipad, byte[] opad, int nHex) {
    if (value == null || ipad == null || opad == null) {
      return null;
    }
    if (nHex < 0 || nHex > 2 * DIGEST) {
      throw new IllegalArgumentException("nHex must be in [0, 64]: " + nHex);
    }
    byte[] mac = new byte[DIGEST];
    macInto(entry(ipad, opad), value, off, len, mac);
    byte[] hex = new byte[nHex];
    for (int k = 0; k < nHex; k++) {
      int b = mac[k >> 1];
      hex[k] = HEX[(k & 1) == 0 ? (b >> 4) & 0xf : b & 0xf];
    }
    return hex;
  }

  public byte[] hexBytes(byte[] value, byte[] ipad, byte[] opad, int nHex) {
    return value == null ? null : hexBytes(value, 0, value.length, ipad, opad, nHex);
  }

  /** The first {@code nHex} lowercase hex characters of the MAC, or null. */
  public String hex(byte[] value, byte[] ipad, byte[] opad, int nHex) {
    byte[] h = hexBytes(value, ipad, opad, nHex);
    // ISO-8859-1 of ASCII bytes: a compact (Latin-1) String, one copy, no decoding loop.
    return h == null ? null : new String(h, StandardCharsets.ISO_8859_1);
  }

  public String hex(byte[] value, byte[] ipad, byte[] opad) {
    return hex(value, ipad, opad, 2 * DIGEST);
  }

  private static void macInto(Entry e, byte[] value, int off, int len, byte[] out) {
    try {
      MessageDigest in = (MessageDigest) e.inner.clone();
      in.update(value, off, len);
      in.digest(out, 0, DIGEST);
      MessageDigest o = (MessageDigest) e.outer.clone();
      o.update(out, 0, DIGEST);
      o.digest(out, 0, DIGEST);
    } catch (CloneNotSupportedException | DigestException ex) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", ex);
    }
  }

  private static MessageDigest sha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.clone(); // fail here, once, if this provider's digest cannot be cloned
      return md;
    } catch (NoSuchAlgorithmException | CloneNotSupportedException ex) {
      throw new IllegalStateException("no cloneable SHA-256", ex);
    }
  }

  /** RFC 2104 key blocks of {@code key} (hashed first if longer than 64 bytes): {ipad, opad}. */
  public static byte[][] padKey(byte[] key) {
    byte[] k = key;
    if (k.length > 64) {
      k = sha256().digest(k);
    }
    byte[] ipad = new byte[64];
    byte[] opad = new byte[64];
    for (int i = 0; i < 64; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
    return new byte[][] {ipad, opad};
  }
}
