-- crm-seed.sql: the directory seed of the Regional Conference on Migration
-- (CRM, Conferencia Regional sobre Migración / Proceso Puebla).
--
-- Loaded by `enlace-hub init` with sqlite3_exec() inside one transaction,
-- after the hub has created the tables. Facts: shared/DOMAIN.md.
--
-- This file is data only and MUST stay idempotent: running it twice must
-- change nothing. Use only `INSERT OR IGNORE` statements, always with an
-- explicit column list: no CREATE, no DELETE, no UPDATE, no BEGIN/COMMIT.
-- Later changes to the directory go through the audited `enlace-hub`
-- commands, never through this file. Encoding: UTF-8.

-- Member countries (11), ISO 3166-1 alpha-2 codes.
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('BZ', 'Belize', 'Belice', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('CA', 'Canada', 'Canadá', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('CR', 'Costa Rica', 'Costa Rica', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('SV', 'El Salvador', 'El Salvador', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('US', 'United States', 'Estados Unidos', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('GT', 'Guatemala', 'Guatemala', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('HN', 'Honduras', 'Honduras', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('MX', 'Mexico', 'México', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('NI', 'Nicaragua', 'Nicaragua', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('PA', 'Panama', 'Panamá', 'member');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('DO', 'Dominican Republic', 'República Dominicana', 'member');

-- Observer countries (5).
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('AR', 'Argentina', 'Argentina', 'observer');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('CO', 'Colombia', 'Colombia', 'observer');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('EC', 'Ecuador', 'Ecuador', 'observer');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('JM', 'Jamaica', 'Jamaica', 'observer');
INSERT OR IGNORE INTO countries (code, name_en, name_es, status) VALUES ('PE', 'Peru', 'Perú', 'observer');

-- Observer organisations, with the year each joined as observer.
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('IOM', 'International Organization for Migration (IOM)',
          'Organización Internacional para las Migraciones (OIM)', 'observer', 1996);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('UNFPA', 'United Nations Population Fund (UNFPA)',
            'Fondo de Población de las Naciones Unidas (UNFPA)', 'observer', 2006);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('ECLAC', 'Economic Commission for Latin America and the Caribbean, Latin American and Caribbean Demographic Centre (ECLAC-CELADE)',
            'Comisión Económica para América Latina y el Caribe, Centro Latinoamericano y Caribeño de Demografía (CEPAL-CELADE)', 'observer', 1996);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('SEGIB', 'Ibero-American General Secretariat (SEGIB)',
            'Secretaría General Iberoamericana (SEGIB)', 'observer', 2007);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('UNHCR', 'Office of the United Nations High Commissioner for Refugees (UNHCR)',
            'Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)', 'observer', 1997);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('ICRC', 'International Committee of the Red Cross (ICRC)',
           'Comité Internacional de la Cruz Roja (CICR)', 'observer', 2014);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('UNICEF', 'United Nations Children''s Fund (UNICEF)',
             'Fondo de las Naciones Unidas para la Infancia (UNICEF)', 'observer', 2015);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('IACHR', 'Inter-American Commission on Human Rights (IACHR)',
            'Comisión Interamericana de Derechos Humanos (CIDH)', 'observer', 2000);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('SRHRM', 'UN Special Rapporteur on the human rights of migrants',
            'Relator Especial de las Naciones Unidas sobre los derechos humanos de los migrantes', 'observer', 2003);
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('SICA', 'Central American Integration System (SICA)',
           'Sistema de la Integración Centroamericana (SICA)', 'observer', 2003);

-- Civil society: the RROCM has a slot in each network's agenda.
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('RROCM', 'Regional Network of Civil Organizations for Migration (RROCM)',
            'Red Regional de Organizaciones Civiles para las Migraciones (RROCM)', 'civil', 1998);

-- The Technical Secretariat (San José, Costa Rica): archives the networks.
INSERT OR IGNORE INTO organisations (code, name_en, name_es, kind, since) VALUES
  ('ST', 'Technical Secretariat of the CRM',
         'Secretaría Técnica de la CRM', 'secretariat', NULL);

-- Networks: the three liaison officer networks, and crm for all members.
INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES
  ('consular', 'Network of Liaison Officers for Consular Protection',
               'Red de Funcionarios de Enlace de Protección Consular');
INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES
  ('trafficking', 'Network of Liaison Officers to Combat Trafficking in Persons and Smuggling of Migrants',
                  'Red de Funcionarios de Enlace para el Combate a la Trata de Personas y al Tráfico Ilícito de Migrantes');
INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES
  ('child', 'Network of Liaison Officers for the Protection of Migrant Children and Adolescents',
            'Red de Funcionarios de Enlace en Materia de Protección de Niñas, Niños y Adolescentes Migrantes');
INSERT OR IGNORE INTO networks (name, title_en, title_es) VALUES
  ('crm', 'Regional Conference on Migration: announcements and consultations (all members)',
          'Conferencia Regional sobre Migración: anuncios y consultas (todos los miembros)');

-- The time zone each member country counts the consultation's business days
-- in: its capital's (DOMAIN.md). `enlace-hub zone set` changes one (a focal
-- point's office elsewhere); holidays are added with `enlace-hub holiday`.
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('BZ', 'America/Belize');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('CA', 'America/Toronto');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('CR', 'America/Costa_Rica');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('SV', 'America/El_Salvador');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('US', 'America/New_York');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('GT', 'America/Guatemala');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('HN', 'America/Tegucigalpa');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('MX', 'America/Mexico_City');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('NI', 'America/Managua');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('PA', 'America/Panama');
INSERT OR IGNORE INTO country_zones (country, zone) VALUES ('DO', 'America/Santo_Domingo');
