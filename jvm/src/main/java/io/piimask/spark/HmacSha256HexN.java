package io.piimask.spark;

import org.apache.spark.sql.api.java.UDF4;

/**
 * Spark Java UDF: {@code (value binary, ipad binary, opad binary, n int) -> string}, the first
 * {@code n} (0 to 64) lowercase hex characters of HMAC-SHA256(key, value); null if any input is
 * null. A token needs 20 of the 64: {@code concat(lit(prefix + "_"), udf(value, ipad, opad, lit(20)))}.
 *
 * <p>Register with {@code spark.udf.registerJavaFunction("piimask_hmac_sha256_hex_n",
 * "io.piimask.spark.HmacSha256HexN", StringType())}.
 */
public class HmacSha256HexN implements UDF4<byte[], byte[], byte[], Integer, String> {
  private static final long serialVersionUID = 1L;

  private transient HmacSha256 hmac;

  @Override
  public String call(byte[] value, byte[] ipad, byte[] opad, Integer n) {
    if (value == null || ipad == null || opad == null || n == null) {
      return null;
    }
    HmacSha256 h = hmac;
    if (h == null) {
      h = hmac = new HmacSha256();
    }
    return h.hex(value, ipad, opad, n);
  }
}
