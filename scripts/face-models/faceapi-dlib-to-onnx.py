#!/usr/bin/python3
"""Writes face-api's dlib face-recognition ResNet (weights from the npm package @vladmandic/face-api)
as an ONNX graph: drivers/face/models/dlib_resnet.onnx.

Run once by hand, not at install or run time; the result is committed with its sha256
(drivers/face/models/README.md). Needs Debian's python3-onnx (and python3-numpy):
    /usr/bin/python3 scripts/face-models/faceapi-dlib-to-onnx.py node_modules/@vladmandic/face-api/model drivers/face/models/dlib_resnet.onnx

Why: the same net on onnxruntime-node runs several times faster than on TensorFlow.js's WebAssembly
backend (docs/face.md), and the fused face model runs it on every live frame.

The network is dlib's metric-learning ResNet as dlib's public example dnn_face_recognition_ex.cpp
declares it (150x150 RGB input; 7x7/2 conv, 3x3/2 max pool; residual blocks of two 3x3 convs with
an affine "scale" layer after each, 3 x 32, 4 x 64, 3 x 128, 3 x 256 channels, plus one more
down-sampling block of 256; global average; 128-d fully connected layer without bias). The weights'
names and shapes are those of face-api's manifest (face_recognition_model-weights_manifest.json);
the strided convolutions are unpadded, a down-sampling block's shortcut is a 2x2/2 average pool
with zero channels appended, and where the pooled shortcut is larger than the convolved path the
latter gets a zero row and column at the bottom/right (face-api behaves so; checked by comparing
outputs). Input: [N, 3, 150, 150] RGB 0..255; the graph subtracts face-api's mean RGB and
divides by 255 (checked: dividing by 256 instead moved the outputs by up to 2.5e-4, by 255 by 4e-6).
The weights are face-api's uint8 values dequantised (times their scale, plus their minimum) to
float32, with each scale layer folded into its convolution: 22 MB instead of 6.4 MB, because a
graph that dequantised at load time made onnxruntime hold ~50 MB more (docs/face.md, memory).
Output: [N, 128].
"""
import json
import os
import sys

import numpy as np

MEAN_RGB = [122.782, 117.001, 104.298]
DIVISOR = 255.0


def read_weights(model_dir):
    manifest = json.load(open(os.path.join(model_dir, 'face_recognition_model-weights_manifest.json')))
    weights = {}
    for group in manifest:
        data = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        at = 0
        for w in group['weights']:
            n = int(np.prod(w['shape']))
            q = w.get('quantization')
            if q:
                if q['dtype'] != 'uint8':
                    raise SystemExit('quantisation %s not handled' % q['dtype'])
                weights[w['name']] = ('uint8', np.frombuffer(data, np.uint8, n, at).reshape(w['shape']), q['scale'], q['min'])
                at += n
            else:
                weights[w['name']] = ('float32', np.frombuffer(data, np.float32, n, at).reshape(w['shape']))
                at += 4 * n
        if at != len(data):
            raise SystemExit('manifest and weight file sizes disagree')
    return weights


def build(weights):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    nodes, inits = [], []
    counter = [0]

    def fresh(prefix):
        counter[0] += 1
        return '%s_%d' % (prefix, counter[0])

    def constant(array, prefix='c'):
        n = fresh(prefix)
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), n))
        return n

    def value(name):
        """The named weight as float32 (face-api's uint8 values times their scale plus their minimum)."""
        entry = weights[name]
        if entry[0] == 'float32':
            return entry[1].astype(np.float32)
        _, q, scale, minimum = entry
        return q.astype(np.float32) * np.float32(scale) + np.float32(minimum)

    def op(kind, inputs, **attrs):
        out = fresh(kind.lower())
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def conv_layer(x, prefix, stride, relu):
        # conv (TF filters [kh, kw, in, out] -> ONNX [out, in, kh, kw]) + bias, then the affine scale
        # layer (x * s + t), folded into the convolution: W' = W * s, b' = b * s + t.
        filters = value(prefix + '/conv/filters').transpose(3, 2, 0, 1)
        scale = value(prefix + '/scale/weights')
        w = (filters * scale[:, None, None, None]).astype(np.float32)
        b = (value(prefix + '/conv/bias') * scale + value(prefix + '/scale/biases')).astype(np.float32)
        k = filters.shape[2]
        pad = 0 if stride == 2 else k // 2
        y = op('Conv', [x, constant(w, 'w'), constant(b, 'b')], kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
        return op('Relu', [y]) if relu else y

    def residual(x, prefix):
        y = conv_layer(x, prefix + '/conv1', 1, True)
        y = conv_layer(y, prefix + '/conv2', 1, False)
        return op('Relu', [op('Add', [y, x])])

    def residual_down(x, prefix, size, channels_in, channels_out):
        y = conv_layer(x, prefix + '/conv1', 2, True)
        y = conv_layer(y, prefix + '/conv2', 1, False)
        conv_size = (size - 3) // 2 + 1
        pool_size = (size - 2) // 2 + 1
        pooled = op('AveragePool', [x], kernel_shape=[2, 2], strides=[2, 2])
        if channels_out != channels_in:
            pooled = op('Pad', [pooled, constant(np.array([0, 0, 0, 0, 0, channels_out - channels_in, 0, 0], np.int64))])
        if pool_size != conv_size:
            extra = pool_size - conv_size
            y = op('Pad', [y, constant(np.array([0, 0, 0, 0, 0, 0, extra, extra], np.int64))])
        return op('Relu', [op('Add', [pooled, y])]), pool_size

    x = op('Sub', ['input', constant(np.array(MEAN_RGB, np.float32).reshape(1, 3, 1, 1))])
    x = op('Div', [x, constant(np.array(DIVISOR, np.float32))])
    x = conv_layer(x, 'conv32_down', 2, True)  # 150 -> 72
    x = op('MaxPool', [x], kernel_shape=[3, 3], strides=[2, 2])  # 72 -> 35
    size = 35
    for name in ('conv32_1', 'conv32_2', 'conv32_3'):
        x = residual(x, name)
    x, size = residual_down(x, 'conv64_down', size, 32, 64)
    for name in ('conv64_1', 'conv64_2', 'conv64_3'):
        x = residual(x, name)
    x, size = residual_down(x, 'conv128_down', size, 64, 128)
    for name in ('conv128_1', 'conv128_2'):
        x = residual(x, name)
    x, size = residual_down(x, 'conv256_down', size, 128, 256)
    for name in ('conv256_1', 'conv256_2'):
        x = residual(x, name)
    x, size = residual_down(x, 'conv256_down_out', size, 256, 256)
    x = op('ReduceMean', [x], axes=[2, 3], keepdims=0)
    nodes.append(helper.make_node('MatMul', [x, constant(value('fc'), 'fc')], ['output']))
    graph = helper.make_graph(nodes, 'dlib_resnet',
                              [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 3, 150, 150])],
                              [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', 128])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='oqsgw scripts/face-models/faceapi-dlib-to-onnx.py')
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main():
    if len(sys.argv) != 3:
        raise SystemExit('usage: faceapi-dlib-to-onnx.py FACE_API_MODEL_DIR OUT.onnx')
    import onnx
    onnx.save(build(read_weights(sys.argv[1])), sys.argv[2])
    print('wrote', sys.argv[2])


if __name__ == '__main__':
    main()
