package org.quantlake.core.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.quantlake.core.graph.Attribute;
import org.quantlake.core.graph.Graph;
import org.quantlake.core.graph.Node;
import org.quantlake.core.graph.TensorData;
import org.quantlake.core.graph.ValueInfo;
import org.quantlake.core.onnx.proto.Onnx.AttributeProto;
import org.quantlake.core.onnx.proto.Onnx.GraphProto;
import org.quantlake.core.onnx.proto.Onnx.ModelProto;
import org.quantlake.core.onnx.proto.Onnx.NodeProto;
import org.quantlake.core.onnx.proto.Onnx.OperatorSetIdProto;
import org.quantlake.core.onnx.proto.Onnx.StringStringEntryProto;
import org.quantlake.core.onnx.proto.Onnx.TensorShapeProto;
import org.quantlake.core.onnx.proto.Onnx.TypeProto;
import org.quantlake.core.onnx.proto.Onnx.ValueInfoProto;

/**
 * Writes a {@link Graph} as an ONNX ModelProto. Output is deterministic: nodes, initializers, attributes and
 * metadata keep their order, so the same graph always gives the same bytes.
 */
public final class OnnxModelWriter {
    private OnnxModelWriter() {}

    public static ModelProto toProto(Graph g) {
        GraphProto.Builder gb = GraphProto.newBuilder().setName(g.name());
        for (ValueInfo v : g.inputs()) gb.addInput(valueInfo(v));
        for (ValueInfo v : g.outputs()) gb.addOutput(valueInfo(v));
        for (ValueInfo v : g.valueInfos().values()) gb.addValueInfo(valueInfo(v));
        for (Map.Entry<String, TensorData> e : g.initializers().entrySet()) gb.addInitializer(TensorProtos.toProto(e.getKey(), e.getValue()));
        for (Node n : g.nodes()) gb.addNode(node(n));
        ModelProto.Builder mb = ModelProto.newBuilder()
                .setIrVersion(g.irVersion())
                .setProducerName(g.producerName())
                .setProducerVersion(g.producerVersion())
                .setGraph(gb);
        for (Map.Entry<String, Integer> o : g.opsets().entrySet()) {
            mb.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(o.getKey()).setVersion(o.getValue()));
        }
        for (Map.Entry<String, String> e : g.metadata().entrySet()) {
            mb.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return mb.build();
    }

    public static byte[] toBytes(Graph g) {
        return toProto(g).toByteArray();
    }

    /** Writes atomically: to a temporary file beside {@code file}, then a rename, so readers never see half a model. */
    public static void write(Graph g, Path file) throws IOException {
        writeAtomically(file, toBytes(g));
    }

    /** Writes {@code bytes} to {@code file} through a temporary sibling and an atomic rename (plain rename where atomic moves are not supported). */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(bytes);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType()).setDomain(n.domain())
                .addAllInput(n.inputs()).addAllOutput(n.outputs());
        for (Attribute a : n.attributes().values()) b.addAttribute(attribute(a));
        return b.build();
    }

    private static AttributeProto attribute(Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case FLOAT -> b.setType(AttributeProto.AttributeType.FLOAT).setF(a.f());
            case INT -> b.setType(AttributeProto.AttributeType.INT).setI(a.i());
            case STRING -> b.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(a.s()));
            case TENSOR -> b.setType(AttributeProto.AttributeType.TENSOR).setT(TensorProtos.toProto("", a.t()));
            case FLOATS -> {
                b.setType(AttributeProto.AttributeType.FLOATS);
                for (float f : a.floats()) b.addFloats(f);
            }
            case INTS -> {
                b.setType(AttributeProto.AttributeType.INTS);
                for (long l : a.ints()) b.addInts(l);
            }
            case STRINGS -> {
                b.setType(AttributeProto.AttributeType.STRINGS);
                for (String s : a.strings()) b.addStrings(ByteString.copyFromUtf8(s));
            }
        }
        return b.build();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(v.type().onnxCode());
        if (v.dims() != null) {
            TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
            for (int i = 0; i < v.dims().length; i++) {
                TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
                if (v.dims()[i] >= 0) d.setDimValue(v.dims()[i]);
                else if (v.dimParams() != null && v.dimParams()[i] != null) d.setDimParam(v.dimParams()[i]);
                sb.addDim(d);
            }
            tt.setShape(sb);
        }
        return b.setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
