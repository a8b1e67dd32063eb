package io.piimask.spark;

import java.util.List;
import java.util.Objects;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.TypeCollection;

import scala.collection.IndexedSeq;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * A native Catalyst expression: the first {@code nHex} lowercase hex characters of
 * HMAC-SHA256(key, value), with {@code value} a string (its UTF-8 bytes, read in place) or binary
 * and {@code ipad}/{@code opad} the binary RFC 2104 key blocks; null if any input is null.
 *
 * <p>Unlike a UDF it takes part in whole-stage code generation with no conversion of its inputs
 * or output: the generated code calls {@link SparkHmac} on Spark's internal values, one instance
 * per partition (a mutable state of the generated class). Build a {@code Column} with
 * {@link PiiFunctions}, or register it as a SQL function ({@link PiiFunctions#register},
 * {@link PiiMaskExtensions}).
 *
 * <p>Written in Java against Catalyst's Scala classes. It extends {@code Expression} itself:
 * {@code TernaryExpression} declares a final {@code withNewChildrenInternal} without a generic
 * signature, which javac will not accept as implementing {@code TreeNode}'s. For the same reason
 * (a class method beats an interface default in Java, unlike a Scala trait) it forwards
 * {@code checkInputDataTypes} to {@code ImplicitCastInputTypes}. Scala case classes are
 * serializable by default; this class has to say so (the interpreted path ships the tree).
 */
public final class HmacSha256HexExpr extends Expression implements ImplicitCastInputTypes, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "piimask_hmac_sha256_hex";

  private final Expression value;
  private final Expression ipad;
  private final Expression opad;
  private final int nHex;
  private final Seq<Expression> children;
  private transient SparkHmac interpreted; // the interpreted path's state (one per instance)

  public HmacSha256HexExpr(Expression value, Expression ipad, Expression opad, int nHex) {
    if (nHex < 0 || nHex > 64) {
      throw new IllegalArgumentException("nHex must be in [0, 64]: " + nHex);
    }
    this.value = value;
    this.ipad = ipad;
    this.opad = opad;
    this.nHex = nHex;
    this.children = JavaConverters.asScalaBuffer(List.of(value, ipad, opad)).toIndexedSeq();
  }

  public HmacSha256HexExpr(Expression value, Expression ipad, Expression opad, Integer nHex) {
    this(value, ipad, opad, nHex.intValue());
  }

  public HmacSha256HexExpr(Expression value, Expression ipad, Expression opad) {
    this(value, ipad, opad, 64);
  }

  public int nHex() {
    return nHex;
  }

  @Override
  public Seq<Expression> children() {
    return children;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> c) {
    return new HmacSha256HexExpr(c.apply(0), c.apply(1), c.apply(2), nHex);
  }

  @Override
  public DataType dataType() {
    return DataTypes.StringType;
  }

  @Override
  public boolean nullable() {
    return value.nullable() || ipad.nullable() || opad.nullable();
  }

  @Override
  public String prettyName() {
    return NAME;
  }

  @Override
  public Seq<AbstractDataType> inputTypes() {
    return seq(List.of(
        TypeCollection.apply(seq(List.of(DataTypes.StringType, DataTypes.BinaryType))),
        DataTypes.BinaryType,
        DataTypes.BinaryType));
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    return ImplicitCastInputTypes.super.checkInputDataTypes();
  }

  @Override
  public Object eval(InternalRow row) {
    Object v = value.eval(row);
    if (v == null) {
      return null;
    }
    Object i = ipad.eval(row);
    if (i == null) {
      return null;
    }
    Object o = opad.eval(row);
    if (o == null) {
      return null;
    }
    SparkHmac h = interpreted;
    if (h == null) {
      h = interpreted = new SparkHmac();
    }
    return h.hex(v, (byte[]) i, (byte[]) o, nHex);
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    String cls = SparkHmac.class.getName();
    // one SparkHmac per generated-class instance, i.e. per partition and task
    String state = ctx.addMutableState(cls, "piimaskHmac", v -> v + " = new " + cls + "();", false, true);
    ExprCode v = value.genCode(ctx);
    ExprCode i = ipad.genCode(ctx);
    ExprCode o = opad.genCode(ctx);
    String isNull = ev.isNull().toString();
    String result = ev.value().toString();
    // As TernaryExpression.nullSafeCodeGen: a later child is evaluated only if the earlier are not null.
    String code = v.code() + "\n"
        + "boolean " + isNull + " = " + v.isNull() + ";\n"
        + "UTF8String " + result + " = null;\n"
        + "if (!" + isNull + ") {\n"
        + i.code() + "\n"
        + "  " + isNull + " = " + i.isNull() + ";\n"
        + "  if (!" + isNull + ") {\n"
        + o.code() + "\n"
        + "    " + isNull + " = " + o.isNull() + ";\n"
        + "    if (!" + isNull + ") {\n"
        + "      " + result + " = " + state + ".hex(" + v.value() + ", " + i.value() + ", " + o.value()
        + ", " + nHex + ");\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
    return ev.copy(new CodeBlock(seq(List.of(code)), seq(List.<JavaCode>of())), ev.isNull(), ev.value());
  }

  // ------------------------------------------------------------------ scala.Product, equality

  @Override
  public int productArity() {
    return 4;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return value;
      case 1: return ipad;
      case 2: return opad;
      case 3: return nHex;
      default: throw new IndexOutOfBoundsException(Integer.toString(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof HmacSha256HexExpr;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HmacSha256HexExpr)) {
      return false;
    }
    HmacSha256HexExpr e = (HmacSha256HexExpr) o;
    return nHex == e.nHex && value.equals(e.value) && ipad.equals(e.ipad) && opad.equals(e.opad);
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass().getName(), value, ipad, opad, nHex);
  }

  static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toList();
  }
}
