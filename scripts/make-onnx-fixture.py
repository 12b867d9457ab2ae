#!/usr/bin/env python3
"""Writes an ONNX copy of an XGBoost binary:logistic JSON model, for splitserve's ONNX runtime tests.

The trees become one ai.onnx.ml TreeEnsembleRegressor (x < threshold goes to the left child, a missing value
follows XGBoost's default direction), its sum plus the base margin goes through a Sigmoid, and the output
"probabilities" holds [1 - p, p] per row, the way skl2onnx names classifier outputs.

Usage: python3 scripts/make-onnx-fixture.py MODEL.json OUT.onnx   (needs Debian's python3-onnx)
"""
import json
import math
import sys

import onnx
from onnx import TensorProto, helper


def convert(model_path: str, out_path: str) -> None:
    with open(model_path) as f:
        model = json.load(f)
    learner = model["learner"]
    objective = learner["objective"]["name"]
    if objective != "binary:logistic":
        raise SystemExit(f"only binary:logistic is converted, not {objective}")
    features = int(learner["learner_model_param"]["num_feature"])
    base_score = float(learner["learner_model_param"]["base_score"])
    base_margin = math.log(base_score / (1 - base_score))
    trees = learner["gradient_booster"]["model"]["trees"]

    attrs = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                             "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
                             "target_treeids", "target_nodeids", "target_ids", "target_weights"]}
    for t, tree in enumerate(trees):
        left, right = tree["left_children"], tree["right_children"]
        for n in range(len(left)):
            attrs["nodes_treeids"].append(t)
            attrs["nodes_nodeids"].append(n)
            leaf = left[n] == -1
            attrs["nodes_featureids"].append(0 if leaf else tree["split_indices"][n])
            attrs["nodes_values"].append(0.0 if leaf else tree["split_conditions"][n])
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LT")
            attrs["nodes_truenodeids"].append(0 if leaf else left[n])
            attrs["nodes_falsenodeids"].append(0 if leaf else right[n])
            attrs["nodes_missing_value_tracks_true"].append(0 if leaf else int(tree["default_left"][n]))
            if leaf:
                attrs["target_treeids"].append(t)
                attrs["target_nodeids"].append(n)
                attrs["target_ids"].append(0)
                attrs["target_weights"].append(tree["split_conditions"][n])

    nodes = [
        helper.make_node("TreeEnsembleRegressor", ["features"], ["margin"], domain="ai.onnx.ml", n_targets=1,
                         aggregate_function="SUM", post_transform="NONE", base_values=[base_margin], **attrs),
        helper.make_node("Sigmoid", ["margin"], ["p"]),
        helper.make_node("Constant", [], ["one"], value=helper.make_tensor("one", TensorProto.FLOAT, [1, 1], [1.0])),
        helper.make_node("Sub", ["one", "p"], ["q"]),
        helper.make_node("Concat", ["q", "p"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "xgboost-as-onnx",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", features])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)],
                                   producer_name="splitserve scripts/make-onnx-fixture.py")
    onnx_model.ir_version = 7
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, out_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    convert(sys.argv[1], sys.argv[2])
