//! Recursive types: a struct that contains itself by value, directly or through other structs,
//! has infinite size. Such fields are boxed; every other field stays inline.

use super::{ItemKind, Ty, TypeId, TypeSpace};

/// Boxes each struct field whose item is in the same strongly connected component of the
/// "contains by value" graph as the struct itself.
pub fn box_recursive_fields(space: &mut TypeSpace) {
    let ids: Vec<TypeId> = space.iter().map(|(id, _)| id).collect();
    let edges: Vec<Vec<usize>> = ids
        .iter()
        .map(|&id| {
            by_value_children(space, id)
                .into_iter()
                .map(TypeId::index)
                .collect()
        })
        .collect();
    let component = tarjan(&edges);
    for id in ids {
        let ItemKind::Struct { fields, .. } = &mut space.item_mut(id).kind else {
            continue;
        };
        for field in fields {
            if let Some(child) = field.ty.direct_item() {
                if component[child.index()] == component[id.index()] {
                    field.ty = boxed(std::mem::replace(&mut field.ty, Ty::Json));
                }
            }
        }
    }
}

/// Items a struct holds by value (not behind `Vec`, map, `Expandable` or a list).
fn by_value_children(space: &TypeSpace, id: TypeId) -> Vec<TypeId> {
    match &space.item(id).kind {
        ItemKind::Struct { fields, .. } => {
            fields.iter().filter_map(|f| f.ty.direct_item()).collect()
        }
        // Poly variants are boxed already; enums hold strings.
        ItemKind::Poly { .. } | ItemKind::Enum { .. } => Vec::new(),
    }
}

/// `T` -> `Box<T>`, `Option<T>` -> `Option<Box<T>>`.
fn boxed(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(boxed(*inner))),
        other => Ty::Boxed(Box::new(other)),
    }
}

/// Strongly connected component index of every node (Tarjan, iterative); nodes are item
/// indices ([`TypeId::index`]).
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to visit)
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = call.last_mut() {
            if *e < edges[v].len() {
                let w = edges[v][*e];
                *e += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = next_component;
                        if w == v {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_share_a_component_and_others_do_not() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 4 -> 4
        let edges = vec![vec![1], vec![2], vec![0, 3], vec![], vec![4]];
        let c = tarjan(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[2], c[3]);
        assert_ne!(c[4], c[3]);
        assert_ne!(c[4], c[0]);
    }
}
