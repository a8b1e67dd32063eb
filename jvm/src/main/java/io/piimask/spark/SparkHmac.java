package io.piimask.spark;

import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The per-partition state of {@link HmacSha256HexExpr}'s generated code: an {@link HmacSha256}
 * fed straight from Spark's internal values (a string's UTF-8 bytes are read in place, the hex is
 * returned as a {@code UTF8String} over its own ASCII bytes: no Java String on either side).
 */
public final class SparkHmac {
  private final HmacSha256 hmac = new HmacSha256();

  public UTF8String hex(UTF8String value, byte[] ipad, byte[] opad, int nHex) {
    Object base = value.getBaseObject();
    byte[] hex;
    if (base instanceof byte[]) {
      int off = (int) (value.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET);
      hex = hmac.hexBytes((byte[]) base, off, value.numBytes(), ipad, opad, nHex);
    } else { // off-heap: copy it out
      hex = hmac.hexBytes(value.getBytes(), ipad, opad, nHex);
    }
    return UTF8String.fromBytes(hex);
  }

  public UTF8String hex(byte[] value, byte[] ipad, byte[] opad, int nHex) {
    return UTF8String.fromBytes(hmac.hexBytes(value, ipad, opad, nHex));
  }

  /** For the interpreted path: a string or binary value, as the expression's first child is. */
  public UTF8String hex(Object value, byte[] ipad, byte[] opad, int nHex) {
    if (value instanceof UTF8String) {
      return hex((UTF8String) value, ipad, opad, nHex);
    }
    return hex((byte[]) value, ipad, opad, nHex);
  }
}
