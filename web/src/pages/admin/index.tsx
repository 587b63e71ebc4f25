/** The admin pages (one lazy chunk): users, units, areas, categories, the audit log and the modeler. */
import { match } from '../../router.js';
import { UsersPage } from './users.js';
import { UnitsPage } from './units.js';
import { AreasPage } from './areas.js';
import { CategoriesPage } from './categories.js';
import { AuditPage } from './audit.js';
import { ModelerPage } from './modeler.js';

export function AdminPage({ path }: { path: string }) {
  if (match('/admin/users', path)) return <UsersPage />;
  if (match('/admin/units', path)) return <UnitsPage />;
  if (match('/admin/areas', path)) return <AreasPage />;
  if (match('/admin/categories', path)) return <CategoriesPage />;
  if (match('/admin/audit', path)) return <AuditPage />;
  if (match('/admin/modeler', path)) return <ModelerPage />;
  return <UsersPage />;
}
