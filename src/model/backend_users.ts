// Models sharing one backend (`new Sequential({ backend })`, `loadModel(…, { backend })`) stack their
// memory in its arena, each above the models created before it. Only the topmost live model may lay
// out its memory anew (a lower one would overwrite the models above it); a disposed model's memory
// is given back once every model above it is disposed too.

import type { Backend } from '../backend/backend.js';
import { SinewError } from '../errors.js';

interface User {
  readonly name: string;
  readonly baseMark: number;
  disposed: boolean;
}

const STACKS = new WeakMap<Backend, User[]>();

/** Registers a model on a backend; returns its entry (the arena mark its memory starts at). */
export function joinBackend(backend: Backend, name: string): User {
  const stack = STACKS.get(backend) ?? [];
  STACKS.set(backend, stack);
  const user: User = { name, baseMark: backend.arena.mark(), disposed: false };
  stack.push(user);
  return user;
}

/** Throws unless `user` is the topmost live model on its backend (so it may grow or re-lay its memory). */
export function checkTopmost(backend: Backend, user: User, what: string): void {
  const stack = STACKS.get(backend) ?? [];
  const above = stack.slice(stack.indexOf(user) + 1).find((u) => !u.disposed);
  if (above) {
    throw new SinewError(
      `${what}: this model shares its backend with model '${above.name}', created after it, whose memory lies above this model's; ` +
        `it cannot lay out its memory anew without overwriting that model. Dispose '${above.name}' first, or give each model its own backend (the default)`,
    );
  }
}

/** Marks `user` disposed and gives back the memory of every disposed model at the top of the stack. */
export function leaveBackend(backend: Backend, user: User): void {
  const stack = STACKS.get(backend) ?? [];
  user.disposed = true;
  while (stack.length > 0 && stack[stack.length - 1].disposed) {
    const top = stack.pop()!;
    backend.arena.release(top.baseMark);
  }
  if (stack.length === 0) backend.dispose?.(); // its worker threads serve no model any more
}
