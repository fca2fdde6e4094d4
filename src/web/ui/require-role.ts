import type { FastifyRequest } from 'fastify';
import { roleAtLeast, type StaffRole } from '../../auth/staff-users.ts';
import { UiError } from './ui-error.ts';

/** 403 unless the logged-in staff member has at least this role (viewer < agent < admin). */
export function requireRole(req: FastifyRequest, role: StaffRole): void {
  if (!req.staff || !roleAtLeast(req.staff.user.role, role))
    throw new UiError(403, `This needs the ${role} role.`);
}
